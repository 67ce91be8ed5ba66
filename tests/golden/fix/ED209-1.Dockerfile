FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN pip install jax==0.4.30 jax-cuda12-plugin
