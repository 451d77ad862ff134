#!/usr/bin/env bash
# Test-only Spark GPU discovery script (spark.{worker,executor}.resource.gpu.discoveryScript):
# announces two GPU addresses, "0" and "1", without any GPU. Spark then schedules GPU task
# resources exactly as on a GPU node; the PyTorch CPU build in the tests has no CUDA, so
# TaskDevices must fall back to the CPU (TaskDevicesGpuClusterTest).
printf '{"name":"gpu","addresses":["0","1"]}\n'
