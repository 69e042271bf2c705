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
