FROM nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04
RUN nvcc --version
