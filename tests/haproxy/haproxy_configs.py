"""Configurations shared by the HAProxy tests."""

# A configuration every rule passes; tests change one part of it.
CLEAN = """
defaults
    mode http
    timeout connect 5s
    timeout client 3600s
    timeout server 3600s
    timeout tunnel 3600s

frontend public
    bind :80
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend stigman

backend stigman
    server app1 127.0.0.1:54000
"""
