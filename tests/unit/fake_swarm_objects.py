# -*- coding: utf-8 -*-
"""The recorded cluster of fake_nodes with a stack and the networks, configs and secrets swarm_info lists."""

import copy

from tests.unit.fake_nodes import FakeCluster

STACK = {'com.docker.stack.namespace': 'shop'}
SECRET_DATA = 'c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1hcHBlYXI='  # what an engine would hold; it must never be returned


class ObjectsCluster(FakeCluster):
    """The recorded cluster with a stack `shop` (services web and agent, a network, a config and a secret) and
    objects outside it; the config and the secret carry their content, as a careless engine answer might."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for service in self.service_list:
            if service['Spec']['Name'] in ('web', 'agent'):
                service['Spec']['Labels'] = dict(service['Spec'].get('Labels') or {}, **STACK)
        self.network_list = [
            dict(
                Id='netshop',
                Name='shop_default',
                Driver='overlay',
                Scope='swarm',
                Attachable=False,
                Labels=dict(STACK),
                IPAM={'Driver': 'default', 'Config': [{'Subnet': '10.0.9.0/24', 'Gateway': '10.0.9.1'}]},
            ),
            dict(Id='netingress', Name='ingress', Driver='overlay', Scope='swarm', Ingress=True, Labels={}, IPAM={}),
            dict(Id='netbridge', Name='bridge', Driver='bridge', Scope='local', Labels={}, IPAM=None),
            # the network the recorded service web is attached to
            dict(Id='m6im4fyr9ije1xfqd7ug39w1h', Name='web_net', Driver='overlay', Scope='swarm', IPAM={}),
        ]
        self.config_list = [
            dict(
                ID='cfgshop',
                Spec=dict(Name='shop_conf', Labels=dict(STACK), Data=SECRET_DATA, Templating={'Name': 'golang'}),
                CreatedAt='t0',
                UpdatedAt='t1',
                Version={'Index': 7},
            ),
        ]
        self.secret_list = [
            dict(ID='secshop', Spec=dict(Name='shop_password', Labels=dict(STACK), Data=SECRET_DATA)),
            dict(ID='secother', Spec=dict(Name='other', Labels={'owner': 'ops'})),
        ]

    def _listing(self, kind, items, filters):
        self.calls.append((kind, copy.deepcopy(filters)))
        for wanted_label in (filters or {}).get('label') or []:
            key, _equals, value = wanted_label.partition('=')
            labels_of = [(item, item.get('Labels') or item.get('Spec', {}).get('Labels') or {}) for item in items]
            items = [item for item, labels in labels_of if key in labels and value in ('', labels[key])]
        return copy.deepcopy(items)

    def networks(self, filters=None):
        return self._listing('networks', self.network_list, filters)

    def configs(self, filters=None):
        return self._listing('configs', self.config_list, filters)

    def secrets(self, filters=None):
        return self._listing('secrets', self.secret_list, filters)

    def tasks(self, filters=None):
        if isinstance((filters or {}).get('service'), list):
            self.calls.append(('tasks', copy.deepcopy(filters)))
            return [copy.deepcopy(task) for task in self.task_list if task['ServiceID'] in filters['service']]
        return super().tasks(filters)
