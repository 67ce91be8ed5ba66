FROM nvidia/cuda:12.4.0-runtime-ubuntu22.04
CMD ["nvidia-smi"]
