FROM nvidia/cuda:12.4.1-devel-ubuntu22.04
ENV FLASH_ATTN_CUDA_ARCHS="80;90"
RUN pip3 install --no-build-isolation flash-attn==2.7.4.post1
