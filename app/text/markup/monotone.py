"""The best order-keeping choice among candidate positions: which evidence places marks."""

from __future__ import annotations


def best_monotone(candidates: list[list[tuple[int, int]]]) -> list[int | None]:
    """For each slot one candidate position or none, positions never decreasing, with the
    greatest total weight (of equal totals, the one ending earliest).

    A weighted longest non-decreasing subsequence: the best total ending at each
    position is kept in a prefix-maximum tree, so the work is ``n log n`` in the number
    of candidates, not their product with the positions seen.
    """
    keys = sorted({q for options in candidates for q, _ in options})
    rank = {q: i for i, q in enumerate(keys)}
    tree = _PrefixMax(len(keys))
    steps: list[dict[int, int]] = []  # per slot: position taken -> the position before it
    for options in candidates:
        changes: dict[int, tuple[int, int]] = {}
        for position, weight in options:
            score, previous = tree.best(rank[position])
            score += weight
            if position not in changes or score > changes[position][0]:
                changes[position] = (score, previous)
        steps.append({})
        for position, (score, previous) in changes.items():
            if tree.offer(rank[position], score, position):
                steps[-1][position] = previous
    chosen: list[int | None] = []
    last = tree.best(len(keys) - 1)[1] if keys else -1
    for step in reversed(steps):
        if last in step:
            chosen.append(last)
            last = step[last]
        else:
            chosen.append(None)
    return chosen[::-1]


class _PrefixMax:
    """Best (score, position) over positions up to a rank; position -1 scores 0."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.tree: list[tuple[int, int]] = [(0, 1)] * (size + 1)  # (score, -position)
        self.exact: list[int] = [-1] * size  # best score stored at each rank itself

    def best(self, rank: int) -> tuple[int, int]:
        """(score, position) of the best entry at ``rank`` or below."""
        top = (0, 1)
        index = rank + 1
        while index > 0:
            top = max(top, self.tree[index])
            index -= index & -index
        return top[0], -top[1]

    def offer(self, rank: int, score: int, position: int) -> bool:
        """Keep ``score`` at ``rank`` if it beats what is there; whether it did."""
        if score <= self.exact[rank]:
            return False
        self.exact[rank] = score
        index = rank + 1
        while index <= self.size:
            self.tree[index] = max(self.tree[index], (score, -position))
            index += index & -index
        return True
