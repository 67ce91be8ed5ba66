FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends cuda-nvcc-12-1 \
 && rm -rf /var/lib/apt/lists/*
COPY saxpy.cu /src/
RUN nvcc -arch=sm_80 -o /usr/local/bin/saxpy /src/saxpy.cu
