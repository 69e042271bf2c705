# -*- coding: utf-8 -*-
"""Certificates the CA tests hand to the swarm: a root CA made with openssl on the controller."""

import subprocess


def make_root_ca(folder, common_name):
    """A self-signed EC root CA in folder (root.crt, root.key), as an operator's own CA would be; returns the paths."""
    certificate, key = folder / 'root.crt', folder / 'root.key'
    subprocess.run(
        [
            'openssl',
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            str(key),
            '-out',
            str(certificate),
            '-days',
            '3650',
            '-subj',
            '/CN=%s' % common_name,
            '-addext',
            'basicConstraints=critical,CA:TRUE',
            '-addext',
            'keyUsage=critical,keyCertSign,cRLSign',
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def issue_certificate(folder, name, root, purpose, address=None):
    """A certificate signed by root (make_root_ca's pair) for a TLS server (naming its IP address) or client, in
    folder as NAME.crt and NAME.key; returns the paths."""
    certificate, key, request = folder / ('%s.crt' % name), folder / ('%s.key' % name), folder / ('%s.csr' % name)
    extensions = folder / ('%s.ext' % name)
    usage = 'serverAuth' if purpose == 'server' else 'clientAuth'
    extensions.write_text('extendedKeyUsage=%s\n%s' % (usage, 'subjectAltName=IP:%s\n' % address if address else ''))
    subprocess.run(
        ['openssl', 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
        + ['-keyout', str(key), '-out', str(request), '-subj', '/CN=%s' % name],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ['openssl', 'x509', '-req', '-in', str(request), '-CA', str(root[0]), '-CAkey', str(root[1])]
        + ['-CAcreateserial', '-days', '2', '-out', str(certificate), '-extfile', str(extensions)],
        check=True,
        capture_output=True,
    )
    return certificate, key
