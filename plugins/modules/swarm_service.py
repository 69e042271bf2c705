#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, swarmops.swarm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: swarm_service
short_description: Create, update, roll back and remove Docker Swarm services, and wait until rollouts converge
version_added: 0.1.0
description:
  - Runs on a swarm manager and manages one service, found by its O(name).
  - Creates the service if it does not exist (C(docker service create)); otherwise compares the options the task
    sets with the live service and updates only when they differ (C(docker service update)).
  - B(Only the options the task sets are managed.) An option left out keeps its live value; nothing is reset
    silently. A suboption left out of a dict option (for example O(update_config.delay) when only
    O(update_config.parallelism) is set) keeps its live value too. Set O(update_mode=replace) to make the spec
    exactly the task's.
  - Values are compared by meaning, in the Engine API's terms. V(90s) equals V(1m30s), the order of constraints,
    capabilities, mounts, ports and secrets does not matter, networks, configs and secrets are compared by ID after
    their names are resolved, and the image by name and tag.
  - By default the module waits until the rollout converged (O(wait)) and fails if the engine paused or rolled back
    the update, naming the tasks that failed and why.
  - Check mode reports exactly what a real run changes; diff mode shows the managed options before and after, named
    like the module's options.
author:
  - swarmops.swarm contributors (@swarmops)
extends_documentation_fragment:
  - swarmops.swarm.connection
  - swarmops.swarm.connection.ATTRIBUTES
  - swarmops.swarm.recovery
options:
  name:
    description:
      - Name of the service (C(Spec.Name)). The service is found by this exact name.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the service.
      - V(absent) removes it (C(docker service rm)); with O(wait=true) the module returns once its tasks have
        stopped, so its published ports and volumes are free. A missing service is no change.
    type: str
    choices: [present, absent]
    default: present
  update_mode:
    description:
      - V(merge) changes only the options the task sets; the service keeps its live values for every other option.
      - V(replace) makes every option of this module exactly the task's; options the task leaves out go back to the
        engine's defaults (for example no constraints, no networks, one replica, the default update config).
        Fields no option of this module covers (for example C(Privileges)) are kept. O(image) is required.
    type: str
    choices: [merge, replace]
    default: merge
  recreate:
    description:
      - The engine cannot change a service's mode (replicated, global, replicated-job, global-job) in place. By
        default such a change fails with a message saying so. With V(true) the module removes the service, waits
        for its tasks to stop, and creates it again with the new spec; all its tasks are replaced at once, without
        a rolling update.
    type: bool
    default: false
  force_update:
    description:
      - Start new tasks even if the spec did not change (C(docker service update --force)), by incrementing
        C(TaskTemplate.ForceUpdate). Reports a change on every run where it is set; the update follows
        O(update_config).
    type: bool
    default: false
  rollback:
    description:
      - Return the service to its previous spec (C(docker service rollback)), the engine keeping the spec before the
        last update as C(PreviousSpec). The rollback follows O(rollback_config).
      - Idempotent. Nothing changes when the service has no previous spec, when its spec already equals the previous
        one, or when its last change was a rollback (the engine swaps the two specs on a rollback, so rolling back
        again would re-apply the update that was undone).
      - Cannot be combined with options that change the spec. Fails if the service does not exist.
    type: bool
    default: false
  wait:
    description:
      - Wait until the rollout converged before returning. For replicated services, the number of running tasks
        of the current spec equals O(replicas) and no older task still runs; for global services, every ready and
        active node that meets the constraints runs one task of the current spec; for jobs, the tasks of the current
        run completed (O(replicas) completions, or one per eligible node). The update status must be completed (a
        fresh service has none).
      - "Running once is not converged. As with the docker CLI (C(verify: Waiting 5 seconds to verify that tasks are
        stable)), the running tasks must then stay running for O(wait_stability). A task that fails, exits or is
        shut down within that window restarts the window once the swarm replaced it, so a crash-looping service
        never counts as converged; on timeout the message names the tasks that stopped, with the engine's error
        (C(Status.Err)) and exit code. Jobs have no window: completed tasks are final."
      - If the engine pauses the update or rolls it back (O(update_config.failure_action)), the module fails and
        its message names the failing tasks and their errors. A rollback it asked for (O(rollback)) must complete.
      - The result's RV(waited_seconds) says how long it waited.
      - A replicated service whose placement constraints no node matches yet (for example
        V(node.labels.pcidss==yes) before any node carries the label) has tasks that stay pending until a node does.
        With V(true), a run that would create or update such a service fails before anything is written, naming
        the service, its constraints and the nodes, as it could only time out. With V(false) the service is created
        or updated, as with the docker CLI, and the run returns a warning naming the service and the constraints.
        A run that changes nothing never fails for it, whatever O(wait) says; it warns, and does not wait for the
        pending tasks.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait). On timeout the module fails and says what it was still waiting for, for
        example C(2/3 tasks running; web.3 (abc123def456\) preparing) (the task's slot, ID and state).
    type: int
    default: 300
  wait_stability:
    description:
      - With O(wait), how long the tasks must stay running after the rollout converged before the module reports
        it converged (the stability window). A duration such as V(10s) or V(1m), or a number of seconds; V(0)
        returns as soon as the tasks run.
      - Defaults to the service's O(update_config.monitor), or 5 seconds when it sets none, which is what the docker
        CLI waits after C(docker service create) and C(docker service update).
      - Counts against O(wait_timeout). A run that changes nothing does not wait at all.
    type: raw
  resolve_image:
    description:
      - Whether to ask a registry for the image's digest and platforms before creating or updating. Only V(never)
        is implemented; the image reference is sent as written and no registry is contacted.
    type: str
    choices: [never]
    default: never
  with_registry_auth:
    description:
      - Send the credentials that the managed node's docker client configuration holds for the image's registry
        with the create or update, so the swarm's agents can pull a private image
        (C(docker service create --with-registry-auth)).
      - Credentials are not part of the spec; setting this alone never causes an update.
    type: bool
    default: false
  image:
    description:
      - Image of the service's containers (C(TaskTemplate.ContainerSpec.Image)). Required to create a service.
      - Compared by repository and tag (V(nginx) is V(docker.io/library/nginx:latest)). A digest the engine pinned
        on the live service (V(web:1@sha256:...)) is ignored unless the task gives one.
    type: str
  command:
    description:
      - Arguments for the image's entrypoint, replacing the image's C(CMD) (C(ContainerSpec.Args); the C(COMMAND
        ARG...) of C(docker service create)). A string is split like a shell would; a list is used as it is.
    type: raw
    aliases: [args]
  entrypoint:
    description:
      - Replaces the image's C(ENTRYPOINT) (C(ContainerSpec.Command); C(--entrypoint)). A string is split like a
        shell would; a list is used as it is.
    type: raw
  env:
    description:
      - Environment variables (C(ContainerSpec.Env)), a mapping of name to value or a list of C(NAME=value).
        Values must be strings; quote V(yes), V(true) and the like.
      - Combined with O(env_files) (files first, then O(env); a later value wins). Compared as a set of variables,
        so their order does not matter.
      - Values appear in the diff and in RV(service.options); give passwords and keys to the containers as
        O(secrets) instead.
    type: raw
  env_files:
    description:
      - Files on the managed node with one C(NAME=value) per line (C(--env-file)); empty lines and C(#) comments are
        skipped, a bare C(NAME) takes its value from the module's environment. Managed together with O(env).
    type: list
    elements: path
  labels:
    description:
      - Labels of the service itself (C(Spec.Labels)). When given, the service's labels become exactly these.
    type: dict
  container_labels:
    description:
      - Labels of the service's containers (C(ContainerSpec.Labels)). When given, they become exactly these.
    type: dict
  hostname:
    description:
      - Hostname of the containers (C(ContainerSpec.Hostname)); Go templates such as
        C({{.Service.Name}}-{{.Task.Slot}}) are expanded by the engine (quote them from Jinja).
    type: str
  user:
    description:
      - User the containers run as, C(name|uid[:group|gid]) (C(ContainerSpec.User)).
    type: str
  groups:
    description:
      - Additional groups of the container's process (C(ContainerSpec.Groups)).
    type: list
    elements: str
  workdir:
    description:
      - Working directory inside the containers (C(ContainerSpec.Dir)).
    type: str
  stop_signal:
    description:
      - Signal that stops the containers, for example V(SIGQUIT) (C(ContainerSpec.StopSignal)).
    type: str
  stop_grace_period:
    description:
      - Time between the stop signal and a kill, as a duration such as V(30s) (C(ContainerSpec.StopGracePeriod));
        a bare number means seconds. Engine default V(10s).
    type: raw
  init:
    description:
      - Run an init process in the containers that forwards signals and reaps zombies (C(ContainerSpec.Init)).
    type: bool
  read_only:
    description:
      - Mount the containers' root filesystem read-only (C(ContainerSpec.ReadOnly)).
    type: bool
  tty:
    description:
      - Allocate a pseudo-TTY (C(ContainerSpec.TTY)).
    type: bool
  oom_score_adj:
    description:
      - Adjustment of the containers' OOM score, from V(-1000) to V(1000) (C(ContainerSpec.OomScoreAdj), the CLI's
        C(--oom-score-adj)). Engine default V(0). Needs API 1.46 (Docker 27) or newer; older engines make the module
        fail with a message saying so.
    type: int
  privileges:
    description:
      - Security options of the containers (C(ContainerSpec.Privileges)). Each suboption is managed on its own.
      - Swarm services have no privileged mode and no C(--security-opt); these are the fields the Engine API has
        for services.
    type: dict
    suboptions:
      credential_spec:
        description:
          - Credential spec for a managed service account, Windows containers only (C(Privileges.CredentialSpec), the
            CLI's C(--credential-spec file://NAME) or C(registry://KEY)). Give exactly one of C(file) and C(registry).
          - A credential spec kept in a Swarm config (the CLI's C(config://NAME)) needs a runtime config reference that
            this module does not write; use a stack's C(credential_spec.config) for it.
        type: dict
        suboptions:
          file:
            description: File name in the node's C(CredentialSpecs) folder of the Docker data root.
            type: str
          registry:
            description: Value name under the node's registry key for credential specs.
            type: str
      selinux_context:
        description: SELinux labels of the containers (C(Privileges.SELinuxContext)); only on SELinux hosts.
        type: dict
        suboptions:
          disable:
            description: Disable SELinux labelling.
            type: bool
          user:
            description: SELinux user label.
            type: str
          role:
            description: SELinux role label.
            type: str
          type:
            description: SELinux type label.
            type: str
          level:
            description: SELinux level label.
            type: str
      seccomp:
        description:
          - Seccomp profile of the containers (C(Privileges.Seccomp)). Engine default mode V(default). Needs API 1.44
            (Docker 25) or newer; older engines make the module fail with a message saying so.
        type: dict
        suboptions:
          mode:
            description: V(default) (the engine's profile), V(unconfined) (none) or V(custom) (O(privileges.seccomp.profile)).
            type: str
            required: true
            choices: [default, unconfined, custom]
          profile:
            description: The custom profile's JSON text (mode V(custom) only); compared by what the JSON says.
            type: str
      apparmor:
        description:
          - AppArmor mode of the containers (C(Privileges.AppArmor.Mode)); V(disabled) runs them unconfined. Engine
            default V(default). Needs API 1.44 or newer.
        type: str
        choices: [default, disabled]
      no_new_privileges:
        description:
          - Set the no_new_privs bit, so processes cannot gain privileges through setuid binaries
            (C(Privileges.NoNewPrivileges)). Engine default V(false). Needs API 1.44 or newer.
        type: bool
  cap_add:
    description:
      - Linux capabilities to add (C(ContainerSpec.CapabilityAdd), API 1.41); V(NET_ADMIN) and V(CAP_NET_ADMIN)
        are the same. The order does not matter.
    type: list
    elements: str
  cap_drop:
    description:
      - Linux capabilities to drop (C(ContainerSpec.CapabilityDrop), API 1.41).
    type: list
    elements: str
  sysctls:
    description:
      - Namespaced kernel parameters for the containers (C(ContainerSpec.Sysctls)), a mapping of parameter to
        value, for example C(net.ipv4.ip_forward) to V("0").
    type: dict
  ulimits:
    description:
      - Resource limits of the container's processes (C(ContainerSpec.Ulimits)).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the limit, for example V(nofile) or V(nproc).
        type: str
        required: true
      soft:
        description: Soft limit.
        type: int
        required: true
      hard:
        description: Hard limit; defaults to O(ulimits[].soft).
        type: int
  dns:
    description:
      - DNS servers of the containers, in order (C(ContainerSpec.DNSConfig.Nameservers)).
    type: list
    elements: str
  dns_search:
    description:
      - DNS search domains, in order (C(ContainerSpec.DNSConfig.Search)).
    type: list
    elements: str
  dns_options:
    description:
      - Resolver options such as V(ndots:2) (C(ContainerSpec.DNSConfig.Options)).
    type: list
    elements: str
  hosts:
    description:
      - Extra C(/etc/hosts) entries (C(ContainerSpec.Hosts)), a mapping of hostname to IP address, or a list of
        C(hostname:ip) strings as the CLI's C(--host) takes them.
    type: raw
  healthcheck:
    description:
      - The containers' health check (C(ContainerSpec.Healthcheck)). Each suboption is managed on its own.
      - With a health check, a task counts as running for the rollout only once it is healthy, which is what lets
        O(update_config.failure_action) catch a broken release.
    type: dict
    suboptions:
      test:
        description:
          - The check. A string runs in the container's shell (C(CMD-SHELL)); a list runs as it is (C(CMD)), unless
            it starts with V(CMD), V(CMD-SHELL) or V(NONE). V([NONE]) disables the image's health check.
        type: raw
      interval:
        description: Time between checks, a duration such as V(10s).
        type: raw
      timeout:
        description: Time a check may take.
        type: raw
      retries:
        description: Consecutive failures that make the container unhealthy.
        type: int
      start_period:
        description: Grace time after the start during which failures do not count.
        type: raw
      start_interval:
        description:
          - Time between checks during the start period. Needs API 1.44 (Docker 25) or newer; older engines make the
            module fail with a message saying so.
        type: raw
  isolation:
    description:
      - Isolation technology of the containers (C(ContainerSpec.Isolation)); V(process) and V(hyperv) apply to
        Windows nodes only. Engine default V(default).
    type: str
    choices: [default, process, hyperv]
  mounts:
    description:
      - Filesystems mounted into the containers (C(ContainerSpec.Mounts)). When given, the mounts become exactly
        these. Compared by target, order does not matter.
    type: list
    elements: dict
    suboptions:
      type:
        description:
          - Kind of mount. V(cluster) mounts a Swarm cluster (CSI) volume by name or group; it needs API 1.42
            (Docker 23) or newer.
          - Image mounts (C(type=image), API 1.48) exist for containers only; a swarm service's mounts have no such
            type, so neither does this option.
        type: str
        choices: [bind, volume, tmpfs, npipe, cluster]
        default: volume
      source:
        description: Host path (bind), volume name (volume; none means an anonymous volume); not used for tmpfs.
        type: str
      target:
        description: Path inside the container.
        type: str
        required: true
      read_only:
        description: Mount read-only.
        type: bool
        default: false
      consistency:
        description: Consistency requirement (relevant on Docker Desktop only).
        type: str
        choices: [default, consistent, cached, delegated]
      propagation:
        description: Bind propagation (bind mounts).
        type: str
        choices: [private, rprivate, shared, rshared, slave, rslave]
      bind_recursive:
        description:
          - Whether submounts of a bind source are mounted too (bind mounts; the CLI's C(bind-recursive)). V(enabled)
            (the engine's default) mounts them, V(disabled) does not (C(BindOptions.NonRecursive)).
          - The CLI's V(writable) and V(readonly) set container-only fields (C(ReadOnlyNonRecursive),
            C(ReadOnlyForceRecursive)) that Docker 26.1 drops from a service's mounts, so they are not offered.
        type: str
        choices: [enabled, disabled]
      subpath:
        description:
          - Mount only this path inside the volume (volume mounts; C(VolumeOptions.Subpath), the CLI's
            C(volume-subpath)). Needs API 1.45 (Docker 26) or newer.
        type: str
      no_copy:
        description: Do not copy the image's files into a new volume (volume mounts).
        type: bool
      labels:
        description: Labels of a volume the mount creates (volume mounts).
        type: dict
      driver:
        description: Volume driver of a volume the mount creates (volume mounts), for example V(local).
        type: str
      driver_options:
        description: Options of that volume driver (volume mounts).
        type: dict
      tmpfs_size:
        description: Size of the tmpfs, in bytes or with a unit such as V(64M) (tmpfs mounts).
        type: raw
      tmpfs_mode:
        description: File mode of the tmpfs root, an octal string such as V("1770") (tmpfs mounts).
        type: raw
  configs:
    description:
      - Swarm configs made available to the containers as files (C(ContainerSpec.Configs)), by config name; the
        names are resolved to IDs, so a config re-created under the same name is a change. When given, the configs
        become exactly these.
    type: list
    elements: dict
    suboptions:
      source:
        description: Name of the config.
        type: str
        required: true
        aliases: [name]
      target:
        description: Path of the file in the container; default C(/<source>).
        type: str
      uid:
        description: Owner of the file; default V("0").
        type: str
      gid:
        description: Group of the file; default V("0").
        type: str
      mode:
        description: File mode, an octal string such as V("0440"); default V("0444").
        type: raw
  secrets:
    description:
      - Swarm secrets made available to the containers as files under C(/run/secrets) (C(ContainerSpec.Secrets)),
        by secret name, resolved to IDs. When given, the secrets become exactly these. Secret values never pass
        through this module.
    type: list
    elements: dict
    suboptions:
      source:
        description: Name of the secret.
        type: str
        required: true
        aliases: [name]
      target:
        description: File name under C(/run/secrets) (or an absolute path); default the secret's name.
        type: str
      uid:
        description: Owner of the file; default V("0").
        type: str
      gid:
        description: Group of the file; default V("0").
        type: str
      mode:
        description: File mode, an octal string such as V("0400"); default V("0444").
        type: raw
  resources:
    description:
      - Resource limits and reservations of each task (C(TaskTemplate.Resources)). Each suboption is managed on its
        own.
    type: dict
    suboptions:
      limits:
        description: What a task may use at most (C(Resources.Limits)).
        type: dict
        suboptions:
          cpus:
            description: CPUs, for example V(0.5) (C(NanoCPUs)).
            type: float
          memory:
            description: Memory, in bytes or with a unit such as V(512M) (C(MemoryBytes)).
            type: raw
          pids:
            description: Maximum number of processes (C(Pids), API 1.41).
            type: int
      reservations:
        description: What the scheduler reserves for a task on its node (C(Resources.Reservations)).
        type: dict
        suboptions:
          cpus:
            description: CPUs, for example V(0.25).
            type: float
          memory:
            description: Memory, in bytes or with a unit such as V(128M).
            type: raw
          generic_resources:
            description:
              - User-defined resources nodes advertise (C(GenericResources)), for example GPUs. An integer value is
                a discrete amount (kind V(gpu), value V(2)), a string names one resource (kind V(gpu), value
                V(GPU-3a1b)).
            type: list
            elements: dict
            suboptions:
              kind:
                description: Kind of resource.
                type: str
                required: true
              value:
                description: Amount (integer) or name (string).
                type: raw
                required: true
  restart_policy:
    description:
      - When the swarm restarts a task's container (C(TaskTemplate.RestartPolicy)). Each suboption is managed on its
        own.
    type: dict
    suboptions:
      condition:
        description: When to restart. Engine default V(any).
        type: str
        choices: [none, on-failure, any]
      delay:
        description: Time between restart attempts, a duration. Engine default V(5s).
        type: raw
      max_attempts:
        description: Restarts before giving up; V(0) means no limit (engine default).
        type: int
      window:
        description: Time window in which restarts are counted towards O(restart_policy.max_attempts).
        type: raw
  placement:
    description:
      - Where tasks may run (C(TaskTemplate.Placement)). Each suboption is managed on its own.
    type: dict
    suboptions:
      constraints:
        description:
          - Constraints such as V(node.role==worker) or V(node.labels.zone!=dmz). The order does not matter.
          - The keys are V(node.id), V(node.hostname), V(node.role), V(node.platform.os), V(node.platform.arch),
            V(node.labels.<label>) and V(engine.labels.<label>). A replicated service whose constraints no node of the
            swarm matches yet is refused before anything is written when the run would wait for its tasks; see
            O(wait) for what happens otherwise.
        type: list
        elements: str
      preferences:
        description: Spread preferences, in order of priority.
        type: list
        elements: dict
        suboptions:
          spread:
            description: Label to spread tasks over, for example V(node.labels.zone).
            type: str
            required: true
      max_replicas_per_node:
        description: Maximum tasks of the service on one node; V(0) means no limit (C(Placement.MaxReplicas)).
        type: int
      platforms:
        description:
          - Platforms the tasks may run on (C(Placement.Platforms)); the order does not matter. The docker CLI fills
            these from the image's manifest when it resolves the image; this module sets only what the task gives.
        type: list
        elements: dict
        suboptions:
          architecture:
            description: CPU architecture as the engine reports it, for example V(amd64) or V(arm64).
            type: str
          os:
            description: Operating system, for example V(linux) or V(windows).
            type: str
  networks:
    description:
      - Networks the tasks are attached to (C(TaskTemplate.Networks)), each a network name (or ID), or a mapping with
        C(name), C(aliases) (extra DNS names on that network) and C(driver_opts). Names are resolved to IDs; the
        networks must exist. When given, the networks become exactly these.
      - A network is compared by what it resolves to, as the engine resolves it (by name, ID or ID prefix). V(host)
        and V(bridge) (or the ID of a node's local network of that name) are the swarm's own predefined networks of
        that name, whose swarm-scope ID the engine stores, so a service on V(host) is unchanged on the next run.
    type: list
    elements: raw
  logging:
    description:
      - Logging driver of the containers (C(TaskTemplate.LogDriver)).
    type: dict
    suboptions:
      driver:
        description: Name of the logging driver, for example V(json-file) or V(journald).
        type: str
      options:
        description: Options of the driver, for example C(max-size) V(10m).
        type: dict
  mode:
    description:
      - Service mode (C(Spec.Mode)). V(replicated) runs O(replicas) tasks; V(global) one task per eligible node;
        V(replicated-job) runs tasks to completion, O(replicas) completions with O(max_concurrent) at a time;
        V(global-job) runs one task to completion per eligible node. Engine default V(replicated).
      - The mode of an existing service cannot change in place; see O(recreate).
    type: str
    choices: [replicated, global, replicated-job, global-job]
  replicas:
    description:
      - Number of tasks of a replicated service (C(Mode.Replicated.Replicas), engine default 1), or of completions
        of a replicated job (C(Mode.ReplicatedJob.TotalCompletions)). Not for global modes.
    type: int
  max_concurrent:
    description:
      - Tasks of a replicated job that run at the same time (C(Mode.ReplicatedJob.MaxConcurrent)).
    type: int
  update_config:
    description:
      - How an update replaces tasks (C(Spec.UpdateConfig)). Each suboption is managed on its own; when the
        service has no update config yet, the engine's defaults fill the suboptions the task leaves out.
    type: dict
    suboptions:
      parallelism:
        description: Tasks replaced at the same time; V(0) replaces all at once. Engine default V(1).
        type: int
      delay:
        description: Time between replacing one batch and the next, a duration such as V(10s). Engine default V(0s).
        type: raw
      failure_action:
        description:
          - What the engine does when a replaced task fails within O(update_config.monitor) (or more than
            O(update_config.max_failure_ratio) of them). V(pause) stops the update (engine default), V(continue)
            goes on, V(rollback) returns the service to its previous spec. With O(wait), pause and rollback make the
            module fail.
        type: str
        choices: [continue, pause, rollback]
      monitor:
        description: Time after each task's start during which its failure counts against the update. Engine default
          V(5s).
        type: raw
      max_failure_ratio:
        description: Fraction of replaced tasks that may fail before the failure action applies (V(0) to V(1)).
        type: float
      order:
        description: V(stop-first) stops the old task before starting the new one (engine default); V(start-first)
          starts the new one first, so capacity never drops.
        type: str
        choices: [stop-first, start-first]
  rollback_config:
    description:
      - How a rollback replaces tasks (C(Spec.RollbackConfig)), automatic or asked for with O(rollback). Suboptions
        as for O(update_config).
    type: dict
    suboptions:
      parallelism:
        description: Tasks rolled back at the same time; V(0) all at once. Engine default V(1).
        type: int
      delay:
        description: Time between batches, a duration. Engine default V(0s).
        type: raw
      failure_action:
        description: What the engine does when a rolled-back task fails. Engine default V(pause).
        type: str
        choices: [continue, pause]
      monitor:
        description: Time after each task's start during which its failure counts. Engine default V(5s).
        type: raw
      max_failure_ratio:
        description: Fraction of tasks that may fail during the rollback.
        type: float
      order:
        description: Order of stopping and starting, as for O(update_config.order).
        type: str
        choices: [stop-first, start-first]
  endpoint_mode:
    description:
      - How clients inside the swarm reach the service (C(EndpointSpec.Mode)). V(vip) gives it one virtual IP
        (engine default; needs IPVS on the nodes); V(dnsrr) makes its name resolve to the tasks' addresses.
        V(dnsrr) cannot be combined with ports published in ingress mode.
    type: str
    choices: [vip, dnsrr]
  publish:
    description:
      - Ports published outside the swarm (C(EndpointSpec.Ports)). When given, they become exactly these.
      - A port published in ingress mode is taken on every node, so a published port that another service holds in
        ingress mode, or that this service wants in ingress mode while another service publishes it, is refused before
        anything is written.
    type: list
    elements: dict
    suboptions:
      published:
        description: Port on the nodes; in ingress mode the engine picks one if left out.
        type: int
      target:
        description: Port inside the container.
        type: int
        required: true
      protocol:
        description: Protocol.
        type: str
        choices: [tcp, udp, sctp]
        default: tcp
      mode:
        description:
          - V(ingress) publishes the port on every node through the routing mesh (needs IPVS); V(host) publishes it
            only on the nodes that run a task, straight to that task.
        type: str
        choices: [ingress, host]
        default: ingress
notes:
  - Runs on a manager. The module talks to that manager's engine, which answers for the whole swarm.
  - A second run with the same options reports no change, except with O(force_update).
  - "The C(docker service create) flags of the docker CLI 28 and their options: C(--name) O(name), C(--mode)
    O(mode), C(--replicas) O(replicas), C(--max-concurrent) O(max_concurrent), C(--env)/C(--env-file) O(env) and
    O(env_files), C(--label) O(labels), C(--container-label) O(container_labels), C(--entrypoint) O(entrypoint), the
    command O(command), C(--hostname) O(hostname), C(--user) O(user), C(--group) O(groups), C(--workdir) O(workdir),
    C(--stop-signal) O(stop_signal), C(--stop-grace-period) O(stop_grace_period), C(--init) O(init), C(--read-only)
    O(read_only), C(--tty) O(tty), C(--oom-score-adj) O(oom_score_adj), C(--cap-add)/C(--cap-drop) O(cap_add) and
    O(cap_drop), C(--sysctl) O(sysctls), C(--ulimit) O(ulimits), C(--dns)/C(--dns-search)/C(--dns-option) O(dns),
    O(dns_search) and O(dns_options), C(--host) O(hosts), C(--health-*) O(healthcheck) (C(--no-healthcheck) is
    O(healthcheck.test) V([NONE])), C(--isolation) O(isolation), C(--credential-spec)
    O(privileges.credential_spec), C(--mount) O(mounts), C(--config) O(configs), C(--secret) O(secrets),
    C(--limit-cpu)/C(--limit-memory)/C(--limit-pids) O(resources.limits), C(--reserve-cpu)/C(--reserve-memory)/
    C(--generic-resource) O(resources.reservations), C(--restart-*) O(restart_policy), C(--constraint)
    O(placement.constraints), C(--placement-pref) O(placement.preferences), C(--replicas-max-per-node)
    O(placement.max_replicas_per_node), C(--network) O(networks), C(--log-driver)/C(--log-opt) O(logging),
    C(--update-*) O(update_config), C(--rollback-*) O(rollback_config), C(--endpoint-mode) O(endpoint_mode),
    C(--publish) O(publish), C(--no-resolve-image) O(resolve_image), C(--with-registry-auth)
    O(with_registry_auth), C(--detach) O(wait) (inverted). C(--quiet) has no counterpart. docs/service_options.md
    in the collection has the same as a table, with the API version each field needs."
  - "Engine API fields beyond the CLI's flags: O(privileges.selinux_context), O(privileges.seccomp),
    O(privileges.apparmor), O(privileges.no_new_privileges) and O(placement.platforms)."
  - Not covered (there is no option, rather than one that does nothing) - a credential spec kept in a Swarm config
    (C(config://)), a bind mount's C(CreateMountpoint) (Docker 26.1 drops it from a service's mounts; swarm has no
    such field), config templating, plugin runtimes, registry lookups for O(resolve_image), and memory swap
    settings (C(memory_swap), C(memory_swappiness)), which the Engine API's swarm resources (C(Limits) has
    C(NanoCPUs), C(MemoryBytes) and C(Pids)) do not have on the engines this collection is tested with.
seealso:
  - module: swarmops.swarm.swarm_init
  - name: Docker service create reference
    description: The docker CLI command whose options this module covers.
    link: https://docs.docker.com/reference/cli/docker/service/create/
  - name: Engine API ServiceSpec
    description: The API object the options map to.
    link: https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Service/operation/ServiceCreate
'''

EXAMPLES = r'''
- name: Run a web service with host-mode ports, a rolling update policy and automatic rollback
  swarmops.swarm.swarm_service:
    name: web
    image: registry.example.org/shop/web:1.4.2
    replicas: 6
    networks:
      - name: shop_front
        aliases: [www]
    endpoint_mode: dnsrr
    publish:
      - {published: 8080, target: 80, mode: host}
    env:
      LOG_LEVEL: info
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
      interval: 5s
      retries: 3
    update_config:
      parallelism: 2
      delay: 10s
      monitor: 15s
      failure_action: rollback
      order: start-first
    rollback_config:
      parallelism: 2
    resources:
      limits: {cpus: 0.5, memory: 256M}
      reservations: {memory: 128M}
    placement:
      constraints: [node.role==worker]
      preferences:
        - spread: node.labels.zone

- name: Roll out a new release; only the image changes, every other option keeps its live value
  swarmops.swarm.swarm_service:
    name: web
    image: registry.example.org/shop/web:1.5.0
    wait_timeout: 600

- name: Scale
  swarmops.swarm.swarm_service:
    name: web
    replicas: 10

- name: Go back to the release before the last update
  swarmops.swarm.swarm_service:
    name: web
    rollback: true

- name: Restart every task without changing the spec (reports a change on every run)
  swarmops.swarm.swarm_service:
    name: web
    force_update: true

- name: Give a service its TLS certificate as a config and its key as a secret
  swarmops.swarm.swarm_service:
    name: proxy
    image: registry.example.org/shop/proxy:2
    mode: global
    configs:
      - {source: proxy_cert_v3, target: /etc/proxy/cert.pem, mode: "0444"}
    secrets:
      - {source: proxy_key_v3, target: proxy.key, uid: "101", gid: "101", mode: "0400"}
    mounts:
      - {type: tmpfs, target: /var/cache/proxy, tmpfs_size: 64M}
      - {type: volume, source: proxy_logs, target: /var/log/proxy}

- name: Run a database migration once, to completion
  swarmops.swarm.swarm_service:
    name: migrate-1-5-0
    image: registry.example.org/shop/migrate:1.5.0
    mode: replicated-job
    replicas: 1
    restart_policy: {condition: on-failure, max_attempts: 3}

- name: Make the spec exactly this one; options left out go back to the engine defaults
  swarmops.swarm.swarm_service:
    name: web
    update_mode: replace
    image: registry.example.org/shop/web:1.5.0
    replicas: 6

- name: Switch a service to global mode (the engine cannot do it in place)
  swarmops.swarm.swarm_service:
    name: node-agent
    mode: global
    recreate: true

- name: Remove the service and wait until its containers stopped
  swarmops.swarm.swarm_service:
    name: web
    state: absent
'''

RETURN = r'''
service:
  description:
    - The service after the run (before it, in check mode); null if it does not exist. The same facts as
      M(swarmops.swarm.swarm_info) returns for a service, plus RV(service.options).
  returned: success
  type: dict
  contains:
    id:
      description: Service ID.
      type: str
      sample: o99evwj5t2m3uq8t039u6g0a8
    name:
      description: Service name.
      type: str
    mode:
      description: V(replicated), V(global), V(replicated-job) or V(global-job).
      type: str
    replicas:
      description: Replica count of a replicated service; null otherwise.
      type: int
    desired_tasks:
      description: Tasks the orchestrator wants running (or completed, for jobs).
      type: int
    running_tasks:
      description: Tasks running now.
      type: int
    completed_tasks:
      description: Completed tasks of a job.
      type: int
    image:
      description: Image of the spec.
      type: str
    update_status:
      description: State and message of the last update or rollback (C(UpdateStatus)); null if there was none.
      type: dict
      sample: {state: completed, message: update completed, started_at: "2026-11-25T20:29:22Z",
               completed_at: "2026-11-25T20:29:32Z"}
    endpoint_mode:
      description: V(vip) or V(dnsrr).
      type: str
    ports:
      description: Published ports, with the ones the engine assigned.
      type: list
      elements: dict
    labels:
      description: Service labels.
      type: dict
    created_at:
      description: When the service was created.
      type: str
    updated_at:
      description: When the service was last changed.
      type: str
    version:
      description: Version index of the service object.
      type: int
    options:
      description: The live spec seen through this module's options (every option, engine defaults filled in).
      type: dict
      sample: {image: swarmops/web:2, mode: replicated, replicas: 3, update_config: {parallelism: 2, delay: 5s}}
waited_seconds:
  description: Seconds spent waiting for the rollout (and for removed tasks to stop), stability window included.
  returned: success
  type: float
  sample: 12.5
waited_for:
  description:
    - What the run waited for, one entry per wait, in the order waited; empty when it did not wait. A rollout's
      entry says what it saw at the end, and for how long the tasks stayed running.
  returned: success
  type: list
  elements: str
  sample: ["service web: 3/3 tasks running, none stopped within the 5s stability window"]
actions:
  description: What the run changed (or, in check mode, would change), in plain words.
  returned: always
  type: list
  elements: str
  sample: ["update service web: image swarmops/web:1 -> swarmops/web:2"]
'''

from ansible_collections.swarmops.swarm.plugins.module_utils.plan import run_module
from ansible_collections.swarmops.swarm.plugins.module_utils.services import (
    SWARM_SERVICE_ARGUMENT_SPEC,
    plan_service,
)


def main():
    run_module(SWARM_SERVICE_ARGUMENT_SPEC, plan_service)


if __name__ == '__main__':
    main()
