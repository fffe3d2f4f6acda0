#!/bin/sh
# Example client-redirect hook (seed steps 2 and 11 when DNS failover is off). Replace the body with what
# your site does: update a DNS record, a load balancer pool, an application setting.
# Pulumi passes ACTIVE_SYSTEM ("primary" or "replica") and ACTIVE_ENDPOINT.
set -eu
line="$(date -u +%Y-%m-%dT%H:%M:%SZ) clients now write to the ${ACTIVE_SYSTEM} system (${ACTIVE_ENDPOINT})"
echo "$line"
if [ -n "${REDIRECT_LOG:-}" ]; then echo "$line" >> "$REDIRECT_LOG"; fi
