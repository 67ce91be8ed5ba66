FROM nvidia/cuda:12.9.1-runtime-ubuntu24.04
RUN pip install --no-cache-dir "jax[cuda12]==0.6.2" optax==0.2.5
