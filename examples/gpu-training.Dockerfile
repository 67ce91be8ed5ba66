# syntax=docker/dockerfile:1
# A training image with the mistakes env-doctor exists to catch.
ARG PYTHON_VERSION=3.11

# CUDA_VERSION is never declared before the first FROM: the tag becomes
# "-cudnn-devel-ubuntu22.04" and the build fails after the context upload.
FROM nvidia/cuda:${CUDA_VERSION}-cudnn-devel-ubuntu22.04 AS builder
ARG PYTHON_VERSION
RUN apt-get update \
 && apt-get install -y --no-install-recommends python${PYTHON_VERSION} python3-pip \
 && rm -rf /var/lib/apt/lists/*
RUN pip3 install --no-cache-dir torch torchvision \
    # flash-attn compiles CUDA code: it needs nvcc, which this devel image has
 && MAX_JOBS=4 pip3 install --no-build-isolation flash-attn

FROM python:${PYTON_VERSION}-slim
COPY --from=builder /usr/local/lib/python3.11/dist-packages /usr/local/lib/python3.11/site-packages
ENV NVIDIA_VISIBLE_DEVICES=all
CMD ["python3", "train.py"]
