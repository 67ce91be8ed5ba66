FROM nvidia/cuda:12.9.1-cudnn-runtime-ubuntu24.04
RUN pip install --no-cache-dir tensorflow-gpu
