"""Building blocks for nginx rule tests."""

# A location that passes every rule, to build cases from by changing one thing.
GOOD_LOCATION = """
            proxy_pass http://stigman:54000/;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 3600s;
"""
