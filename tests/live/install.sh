#!/bin/sh
# Install the servers the live suite starts (Debian's nginx, apache2, haproxy)
# and make sure none of them is left running as a system service: the suite
# starts its own copies on loopback ports, and nothing may listen on 0.0.0.0.
set -eu

# Keep package scripts from starting the services while they install. A
# policy-rc.d that already exists is left as it is.
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=yes
fi

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    nginx apache2 haproxy openssl

if [ -n "$created_policy" ]; then
    rm -f /usr/sbin/policy-rc.d
fi

# Stop any instance that a package or an earlier boot started anyway, each by
# the process id in its own pid file.
for pid_file in /run/nginx.pid /run/apache2/apache2.pid /var/run/apache2/apache2.pid /run/haproxy.pid; do
    if [ -s "$pid_file" ]; then
        pid=$(head -n 1 "$pid_file")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
        fi
    fi
done
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop nginx apache2 haproxy || true
    systemctl disable nginx apache2 haproxy || true
fi
