"""Every audit-log action the service layer writes is registered with a label."""

from __future__ import annotations

import inspect
import pkgutil
import re
from importlib import import_module

from wagtail.log_actions import registry

from wagtail_network import log_actions, services


def test_every_logged_action_of_the_service_layer_is_registered():
    source = "".join(
        inspect.getsource(import_module(f"{services.__name__}.{module.name}"))
        for module in pkgutil.iter_modules(services.__path__)
    )
    literal = set(re.findall(r'"(wagtail_network\.[a-z_.]+)"', source))
    # Names built at run time from a verb.
    built = {f"wagtail_network.recommendation.{a}" for a in services.RECOMMENDATION_ACTIONS}
    built |= {"wagtail_network.endorsement.hide", "wagtail_network.endorsement.unhide"}
    assert literal, "no action names found: the pattern above is out of date"
    assert (literal | built) <= set(log_actions.ACTIONS)


def test_registered_actions_have_labels_in_wagtails_registry():
    for action, (label, _message) in log_actions.ACTIONS.items():
        assert registry.action_exists(action), action
        assert registry.get_action_label(action) == label


def test_registering_twice_adds_no_duplicate_choices():
    log_actions.register(registry)
    actions = [action for action, _label in registry.get_choices()]
    ours = [a for a in actions if a in log_actions.ACTIONS]
    assert len(ours) == len(set(ours)) == len(log_actions.ACTIONS)
