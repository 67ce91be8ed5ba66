# syntax=docker/dockerfile:1
ARG CUDA_VERSION=12.4.1
ARG PYTHON_VERSION=3.11

FROM nvidia/cuda:${CUDA_VERSION}-cudnn-runtime-ubuntu22.04
ARG PYTHON_VERSION
RUN apt-get update \
 && apt-get install -y --no-install-recommends python${PYTHON_VERSION} python3-pip \
 && rm -rf /var/lib/apt/lists/*
RUN pip3 install --no-cache-dir torch==2.5.1 torchvision==0.20.1 \
        --index-url https://download.pytorch.org/whl/cu124
COPY train.py /app/train.py
WORKDIR /app
CMD ["python3", "train.py"]
