#!/bin/sh
# Example client-redirect hook (seed steps 2 and 11 when DNS failover is off). Replace the body with what
# your site does: update a DNS record, a load balancer pool, an application setting.
# Pulumi passes ACTIVE_SYSTEM ("primary", "replica", or "both" while an active/active link replicates) and
# ACTIVE_ENDPOINT (both endpoints, comma-separated, for "both").
set -eu
if [ "${ACTIVE_SYSTEM}" = "both" ]; then target="both systems"; else target="the ${ACTIVE_SYSTEM} system"; fi
line="$(date -u +%Y-%m-%dT%H:%M:%SZ) clients now write to ${target} (${ACTIVE_ENDPOINT})"
echo "$line"
if [ -n "${REDIRECT_LOG:-}" ]; then echo "$line" >> "$REDIRECT_LOG"; fi
