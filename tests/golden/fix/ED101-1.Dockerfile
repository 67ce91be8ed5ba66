FROM python:3.12-slim
RUN pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124
CMD ["python", "train.py"]
