"""The plan as text for a terminal: a summary, the table of moves, the diff."""

from __future__ import annotations

from bot.engine.plan import Plan


def render_text(plan: Plan) -> str:
    """A human summary: status, what happens to whom, a table (paper, name on the
    paper, from page, to page), problems, and the unified diff."""
    lines: list[str] = []
    kinds = ", ".join(plan.kinds) or "unclear"
    lines.append(f"Status: {plan.status}    Request: {kinds}")
    if plan.target is not None:
        what = "new author page" if plan.target_is_new else "author page"
        orcid = f", ORCID {plan.target.orcid}" if plan.target.orcid else ""
        lines.append(f"Target: {what} {plan.target.id} ({plan.target.names[0].full}{orcid})")
    if plan.moves:
        rows = [("paper", "name on the paper", "from page", "to page")]
        rows += [
            (m.occurrence.item, m.occurrence.name.full, m.source, m.target) for m in plan.moves
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines.append("")
        for i, row in enumerate(rows):
            lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
    if plan.pinned:
        lines.append("")
        lines.append(
            "Kept in place with an explicit id (so they do not move): "
            f"{len(plan.pinned)} occurrence(s)"
        )
    for title, notices in (
        ("Problems", plan.problems),
        ("Warnings", plan.warnings),
        ("Notes", plan.notes),
    ):
        if notices:
            lines.append("")
            lines.append(f"{title}:")
            lines.extend(f"  - [{n.code}] {n.message}" for n in notices)
    if plan.status == "ready":
        lines.append("")
        lines.append(
            f"Check: papers moved: {len(plan.moves)}; "
            f"other occurrences changed: {plan.other_changed}"
        )
        lines.append("")
        lines.append(plan.diff.rstrip("\n"))
    return "\n".join(lines)
