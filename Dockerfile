FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# The runtime lock first (a layer that changes only with `make lock`), then the project itself.
COPY requirements/base.lock ./requirements/
RUN pip install --no-cache-dir -r requirements/base.lock
COPY pyproject.toml README.md ./
COPY reviewsec ./reviewsec
COPY crawler ./crawler
COPY detector ./detector
COPY marketplaces ./marketplaces
RUN pip install --no-cache-dir --no-deps .
COPY . .
RUN useradd --create-home reviewsec && mkdir -p /app/staticfiles && chown reviewsec /app/staticfiles
USER reviewsec
EXPOSE 8000
