# The API and worker image for the production shape (docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps .
ENV MG_DATA_DIR=/var/lib/mediagateway
EXPOSE 8000
CMD ["mediagateway", "serve", "--host", "0.0.0.0", "--port", "8000"]
