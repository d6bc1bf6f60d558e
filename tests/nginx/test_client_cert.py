"""CLIENT-CERT-NOT-FORWARDED on nginx: the verified certificate must reach Keycloak."""

import pytest

from nginx_cases import GOOD_LOCATION


def _config(keycloak_headers: str, verify: str = "ssl_verify_client optional;",
            keycloak_target: str = "http://keycloak:8080/", keycloak_path: str = "/kc/") -> str:
    return (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 100m;\n"
        "    ssl_client_certificate /etc/nginx/dod.pem;\n"
        f"    {verify}\n"
        "    location /stigman/ {" + GOOD_LOCATION + "    }\n"
        f"    location {keycloak_path} {{\n"
        f"      proxy_pass {keycloak_target};\n"
        f"      {keycloak_headers}\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


# Lines: ssl_verify_client 6, STIG Manager location 7-17, Keycloak location 18.
KEYCLOAK_LINE = 18


def test_escaped_cert_passes(nginx):
    assert nginx.codes(_config("proxy_set_header ssl-client-cert $ssl_client_escaped_cert;")) == []


def test_no_cert_header_flagged(nginx):
    text = _config("proxy_set_header Host $host;")
    assert nginx.codes(text) == [f"CLIENT-CERT-NOT-FORWARDED:{KEYCLOAK_LINE}"]
    finding = nginx.finding(text, "CLIENT-CERT-NOT-FORWARDED")
    assert "ssl_verify_client optional (line 6)" in finding.message
    assert finding.fix == "proxy_set_header ssl-client-cert $ssl_client_escaped_cert;"


@pytest.mark.parametrize("variable", ["$ssl_client_cert", "$ssl_client_raw_cert"])
def test_unusable_cert_variable_flagged(nginx, variable):
    text = _config(f"proxy_set_header ssl-client-cert {variable};")
    finding = nginx.finding(text, "CLIENT-CERT-NOT-FORWARDED")
    assert variable in finding.message
    assert finding.place.line == KEYCLOAK_LINE


def test_without_verification_nothing_to_forward(nginx):
    assert nginx.codes(_config("", verify="ssl_verify_client off;")) == []
    assert nginx.codes(_config("", verify="")) == []


def test_keycloak_found_by_host_name(nginx):
    text = _config("", keycloak_target="http://keycloak.internal:8443/", keycloak_path="/login/")
    assert nginx.codes(text) == [f"CLIENT-CERT-NOT-FORWARDED:{KEYCLOAK_LINE}"]


def test_other_locations_are_not_keycloak(nginx):
    text = _config("", keycloak_target="http://grafana:3000/", keycloak_path="/grafana/")
    assert nginx.codes(text) == []


def test_without_stig_manager_no_findings(nginx):
    text = _config("").replace("stigman:54000", "wiki:3000")
    assert nginx.codes(text) == []
