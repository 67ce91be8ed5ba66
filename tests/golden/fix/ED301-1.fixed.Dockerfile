FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN apt-get update \
 && apt-get -y install --no-install-recommends \
    # the driver, "so that the GPU works"
    cuda-compat-12-4 \
    cuda-toolkit-12-4 \
 && rm -rf /var/lib/apt/lists/*
