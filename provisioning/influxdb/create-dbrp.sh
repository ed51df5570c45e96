#!/bin/bash
# Run once by the influxdb:2 image after its first-start setup (DOCKER_INFLUXDB_INIT_MODE=setup), with
# the influx CLI logged in as the admin: maps InfluxQL database "<bucket>", retention policy "autogen",
# to the bucket, so /query (the store's reads, Grafana's InfluxQL) finds it on any 2.x.
set -euo pipefail

influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db "${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --rp autogen \
  --default
echo "create-dbrp: InfluxQL database ${DOCKER_INFLUXDB_INIT_BUCKET}/autogen maps to bucket ${DOCKER_INFLUXDB_INIT_BUCKET}"
