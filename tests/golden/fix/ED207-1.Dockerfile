FROM nvidia/cuda:12.9.1-runtime-ubuntu24.04
RUN pip install --no-cache-dir tensorflow==2.18.0 pandas
