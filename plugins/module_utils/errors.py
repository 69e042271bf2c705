# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's errors, and the engine's answers they recognise, apart from the client.

Pure code (option declarations, compose translation, planners, the controller-side action plugins) raises
:class:`SwarmError` without importing the HTTP client; the client raises :class:`EngineError` for what the engine
refused or could not answer. API versions are compared here too, by the one rule every module uses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# What managers answer when too few of them are reachable to keep (or elect) a Raft leader.
QUORUM_LOSS_SIGNS = ('does not have a leader', 'lost leader status', 'no elected cluster leader')
QUORUM_RECOVERY_HINT = (
    'The swarm has lost quorum: too few managers are reachable to elect a leader. Bring the other managers back, or '
    'recover on a surviving manager with swarmops.swarm.swarm_init and force_new_cluster: true, which makes it the '
    'only manager of the same swarm, keeping its services.'
)

# What a manager answers when the leader it forwarded a request to went away: the managers are electing a new one.
ELECTION_SIGNS = ('context deadline exceeded',)
ELECTION_HINT = (
    'The managers did not answer in time, as happens while they elect a new leader after the leader went away. Run '
    'the task again in a moment (against another manager if this one went away): it changes only what still differs.'
)


class SwarmError(Exception):
    """A failure the module reports as its message, without a traceback."""

    def __init__(self, message, **details):
        super(SwarmError, self).__init__(message)
        self.details = details


class EngineError(SwarmError):
    """The engine refused or could not be reached."""

    def __init__(self, message, status_code=None, explanation=None, **details):
        super(EngineError, self).__init__(message, **details)
        self.status_code = status_code
        self.explanation = explanation or ''

    @property
    def quorum_lost(self):
        return any(sign in self.explanation for sign in QUORUM_LOSS_SIGNS)

    @property
    def leaderless(self):
        """The swarm had no leader to answer: an election under way, or a lost quorum."""
        return self.quorum_lost or any(sign in self.explanation for sign in ELECTION_SIGNS)


def version_tuple(version):
    """'1.45' -> (1, 45), for comparing API versions."""
    return tuple(int(part) for part in str(version).split('.') if part.isdigit())


def refuse_newer_api(docker_host, api_version, too_new, kind):
    """Raise SwarmError naming each (name, API version it needs) this engine lacks; ``kind`` says what the names are
    ('options', 'keys'). Nothing happens when ``too_new`` is empty."""
    if too_new:
        raise SwarmError(
            'The Docker engine at %s speaks API %s; %s. Leave these %s out for this engine.'
            % (docker_host, api_version, '; '.join('%s needs API %s or newer' % item for item in too_new), kind)
        )
