FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY saxpy.cu /src/
RUN nvcc -arch=sm_80 -o /usr/local/bin/saxpy /src/saxpy.cu

FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-pip cuda-nvcc-12-4 \
 && rm -rf /var/lib/apt/lists/*
RUN pip3 install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124
COPY --from=build /usr/local/bin/saxpy /usr/local/bin/
