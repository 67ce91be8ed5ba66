# syntax=docker/dockerfile:1
# A training image with the mistakes env-doctor exists to catch.
ARG CUDA_VERSION=12.4.1

FROM nvidia/cuda:${CUDA_VERSION}-cudnn-runtime-ubuntu22.04 AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-pip nvidia-driver-535 \
 && rm -rf /var/lib/apt/lists/*
# No CUDA index: pip picks whatever CUDA build PyPI has today
RUN pip3 install --no-cache-dir torch torchvision
# flash-attn compiles CUDA code, but a -runtime image has no nvcc
RUN MAX_JOBS=4 pip3 install --no-build-isolation flash-attn

FROM python:3.11-slim
COPY --from=builder /usr/local/lib/python3.10/dist-packages /usr/local/lib/python3.11/site-packages
ENV NVIDIA_VISIBLE_DEVICES=all
RUN pip install --no-cache-dir tensorflow-gpu
CMD ["python", "train.py"]
