FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
RUN pip install --no-cache-dir mmcv cupy-cuda11x
