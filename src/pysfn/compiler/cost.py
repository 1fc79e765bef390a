"""What a compiled machine costs, read off its graph (``pysfn compile --explain``'s cost line).

Standard workflows bill every state entered. From the definition alone: how many states it
has, and the transitions of its fastest and its slowest path from the start to an end
(the fastest to a success: a Succeed or a state with ``End``; the slowest to any end, a Fail
too), Catch edges included (a caught failure is a path).
A Parallel enters each branch, so it costs 1 plus its branches' paths; a Map with no items
costs 1 (fastest), but its iterations are unknown, so a path through a Map -- or through a
loop -- has no bound. Retries are not counted (each retry is billed as a transition too).
"""

from __future__ import annotations

import heapq


def count_states(machine: dict) -> int:
    return sum(1 + sum(count_states(m) for m in _inner(state)) for state in machine["States"].values())


def _inner(state: dict) -> list[dict]:
    return state.get("Branches", []) + [state[k] for k in ("ItemProcessor", "Iterator") if k in state]


def _edges(state: dict) -> list[str]:
    out = [state["Next"]] if state.get("Next") else []
    out += [r["Next"] for r in state.get("Choices", [])] + [r["Next"] for r in state.get("Catch", [])]
    return out + ([state["Default"]] if state.get("Default") else [])


def _ends(state: dict) -> bool:
    return state["Type"] == "Succeed" or bool(state.get("End"))


def fastest(machine: dict) -> int | None:
    """The fewest transitions from the start to a successful end (Dijkstra: every state costs
    >= 1), or None when every path fails."""
    states = machine["States"]

    def cost(state: dict) -> int:
        if state["Type"] == "Parallel":
            return 1 + sum(fastest(b) or 0 for b in state["Branches"])
        return 1  # a Map with no items, any other state

    best = {machine["StartAt"]: cost(states[machine["StartAt"]])}
    queue = [(best[machine["StartAt"]], machine["StartAt"])]
    while queue:
        d, name = heapq.heappop(queue)
        if d > best.get(name, d):
            continue
        if _ends(states[name]):
            return d
        for target in _edges(states[name]):
            nd = d + cost(states[target])
            if nd < best.get(target, nd + 1):
                best[target] = nd
                heapq.heappush(queue, (nd, target))
    return None


def slowest(machine: dict) -> int | None:
    """The most transitions from the start to an end, or None when unbounded (a loop, a Map)."""
    states = machine["States"]
    memo: dict[str, int | None] = {}
    on_stack: set[str] = set()
    order = [(machine["StartAt"], False)]
    # iterative depth-first search: longest path in the graph, None on a cycle
    while order:
        name, done = order.pop()
        state = states[name]
        if done:
            on_stack.discard(name)
            if state["Type"] == "Map":
                memo[name] = None
                continue
            own = 1
            if state["Type"] == "Parallel":
                parts = [slowest(b) for b in state["Branches"]]
                own = None if None in parts else 1 + sum(parts)
            after = [memo[t] for t in _edges(state)]
            if own is None or None in after:
                memo[name] = None
            else:
                memo[name] = own + (max(after) if after else 0)
            continue
        if name in memo:
            continue
        if name in on_stack:
            return None
        on_stack.add(name)
        order.append((name, True))
        for target in _edges(state):
            if target in on_stack:
                return None
            if target not in memo:
                order.append((target, False))
    return memo.get(machine["StartAt"])


def cost_line(definition: dict) -> str:
    fast, slow = fastest(definition), slowest(definition)
    fast_text = f"fastest successful path {fast}" if fast is not None else "no path succeeds"
    slow_text = f"slowest path {slow}" if slow is not None else "slowest unbounded (a loop or a Map)"
    return (f"cost: {count_states(definition)} states; transitions per execution: {fast_text}, {slow_text} "
            "(retries not counted)")
