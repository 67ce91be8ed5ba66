FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124
CMD ["python", "train.py"]
