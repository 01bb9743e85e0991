"""The review pages of kg serve, for a curator on this machine: GET /review/ lists drafts/, GET
/review/KEY shows the article with every candidate's span marked and the candidates with Accept
and Reject, POST /review/KEY/cN sets one status in drafts/KEY.yaml, POST /review/KEY/cN/edit
changes its value or its quote (a quote is located in the article, and refused when the article
does not hold it, before anything is written), POST /review/KEY/rest rejects
every unreviewed one, and POST /review/KEY/add runs `kg add drafts/KEY.yaml` (kg.api.add, so a
draft passes every rule; unreviewed candidates are refused with KG033).

Only a server bound to loopback offers them, and only to loopback clients that name a loopback
host (a DNS-rebound name is refused). A POST must carry the page's token and, when the browser
sends one, an Origin equal to the server's; review answers never allow other origins (no CORS)."""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from kg.draft.curate import (Candidate, DraftReview, NoCandidate, NoDraft, StaleDraft, draft_keys, edit_candidate,
                             read_draft, set_statuses)
from kg.errors import InputError, KgError, ProjectLocked
from kg.files import display_path
from kg.project import Project

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

PREFIX = "review"
MAX_FORM = 4096
CANDIDATE_ID = re.compile(r"c[1-9][0-9]{0,5}")
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                      "frame-ancestors 'none'; base-uri 'none'"}
STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem}
.article{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;background:#fafafa}
mark{background:#ffe08a}mark[data-status~=accepted]{background:#b7e4b0}mark[data-status~=rejected]{background:#eee;
text-decoration:line-through}mark[data-status~=unreviewed]{background:#ffe08a;text-decoration:none}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;
padding:.3rem;text-align:left;vertical-align:top}.accepted{background:#eef8ec}.rejected{color:#777}
.result{border:2px solid #888;padding:.5rem 1rem}.refused{border-color:#c33}pre{white-space:pre-wrap}
form{display:inline}"""


def is_loopback(host: str) -> bool:
    """Whether a listening host or a client address is this machine's loopback."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


class ReviewPages:
    """The review routes of one project; `token` is the secret each page's forms carry."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.token = secrets.token_urlsafe(32)

    def handle(self, request: Request, relative: str) -> Response:
        """The answer for a path under review/ (relative to the site, "review/…")."""
        if not is_loopback(request.remote_addr or "") or not is_loopback(_host_name(request.host)):
            return _page(403, "Refused", "<p>the review pages answer only loopback clients at a loopback address</p>")
        parts = relative.split("/")[1:]
        if request.method in ("GET", "HEAD"):
            if parts in ([], [""]):
                return self._index()
            if len(parts) == 1:
                return self._draft(parts[0])
            return _page(404, "Not found", "<p>no such review page</p>")
        if request.method != "POST":
            return _page(405, "Not allowed", f"<p>{escape(request.method)} is not allowed here</p>",
                         {"Allow": "GET, HEAD, POST"})
        if len(parts) not in (2, 3) or (len(parts) == 3 and (parts[2] != "edit" or not CANDIDATE_ID.fullmatch(parts[1]))):
            return _page(404, "Not found", "<p>no such review action</p>")
        refused = self._refuse_forgery(request)
        if refused is not None:
            return refused
        if len(parts) == 3:
            return self._edit(request, parts[0], parts[1])
        key, action = parts
        if action == "add":
            return self._add(key)
        if action == "rest":
            return self._set(request, key, None)
        if CANDIDATE_ID.fullmatch(action):
            return self._set(request, key, action)
        return _page(404, "Not found", "<p>no such review action</p>")

    # ------------------------------------------------------------------ checks

    def _refuse_forgery(self, request: Request) -> Response | None:
        from werkzeug.exceptions import RequestEntityTooLarge

        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            return _page(403, "Refused", "<p>a review change must come from this server's own page (Origin)</p>")
        request.max_content_length = MAX_FORM
        try:
            token = request.form.get("token", "")
        except RequestEntityTooLarge:
            return _page(413, "Too large", f"<p>a review form is at most {MAX_FORM} bytes</p>")
        if not hmac.compare_digest(token.encode("utf-8"), self.token.encode("utf-8")):
            return _page(403, "Refused", "<p>a review change needs the token of this server's page: reload it</p>")
        return None

    # ------------------------------------------------------------------ pages

    def _index(self) -> Response:
        rows = []
        for key in draft_keys(self.project):
            try:
                draft = read_draft(self.project, key)
            except KgError as exc:
                rows.append(f"<li>{escape(key)}: {escape(str(exc))}</li>")
                continue
            counts = {s: sum(c.mark.status == s for c in draft.candidates) for s in ("unreviewed", "accepted",
                                                                                       "rejected")}
            rows.append(f'<li><a href="/{PREFIX}/{quote(key)}">{escape(key)}</a>: {len(draft.candidates)} candidates, '
                        + ", ".join(f"{n} {s}" for s, n in counts.items()) + "</li>")
        body = f"<ul>{''.join(rows)}</ul>" if rows else "<p>no drafts in drafts/: run <code>kg draft SOURCE-KEY</code></p>"
        return _page(200, "Drafts to review", body)

    def _draft(self, key: str, status: int = 200, result: str = "") -> Response:
        try:
            draft = read_draft(self.project, key)
        except NoDraft as exc:
            return _page(404, "No such draft", f"<p>{escape(str(exc))}</p>")
        except KgError as exc:  # a draft the curator broke while editing it, an article gone
            return _page(422, f"Draft {key} cannot be read", f"{result}<pre>{escape(str(exc))}</pre>")
        return _page(status, f"Review of draft {key}", result + self._body(draft))

    def _body(self, draft: DraftReview) -> str:
        action = f"/{PREFIX}/{quote(draft.key)}"
        hidden = (f'<input type="hidden" name="token" value="{escape(self.token)}">'
                  f'<input type="hidden" name="version" value="{escape(draft.version)}">')
        rows = []
        for c in draft.candidates:
            known = "".join(f"<div>{label} {escape(where)}</div>" for label, where in
                            (("duplicates", c.mark.duplicates), ("contradicts", c.mark.contradicts)) if where)
            quotes = "".join(f"<div><q>{escape(draft.article[s:e])}</q></div>" for s, e in c.spans) or \
                "<div>(no quote of this article located)</div>"
            buttons = "".join(
                f'<button type="submit" name="status" value="{s}" data-candidate="{c.id}" '
                f'{"disabled" if c.mark.status == s else ""}>{label}</button>'
                for s, label in (("accepted", "Accept"), ("rejected", "Reject")))
            rows.append(
                f'<tr id="{c.id}" class="{c.mark.status}" data-status="{c.mark.status}"><td>{c.id}</td>'
                f"<td>{escape(c.subject)}</td><td>{escape(c.property)}</td><td>{escape(c.value)}{quotes}</td>"
                f"<td>{escape(c.mark.rule)}</td><td>{c.mark.confidence:g}</td><td>{known}</td>"
                f'<td class="status">{c.mark.status}</td>'
                f'<td><form method="post" action="{action}/{c.id}">{hidden}{buttons}</form>'
                f"{_edit_form(action, hidden, c)}</td></tr>")
        unreviewed = len(draft.unreviewed)
        return (f"<h2>Article</h2>{_highlighted(draft)}<h2>Candidates</h2>"
                "<p>Accept a candidate to add it, reject it to leave it out; correct a wrong value or quote "
                "with Edit (a quote must be the article's exact words), or edit "
                f"<code>drafts/{escape(draft.key)}.yaml</code> and reload. {unreviewed} unreviewed.</p>"
                "<table><tr><th>id</th><th>subject</th><th>property</th><th>value and quote</th><th>rule</th>"
                "<th>confidence</th><th>known claim</th><th>status</th><th></th></tr>"
                + "".join(rows) + "</table><p>"
                f'<form method="post" action="{action}/rest">{hidden}<button type="submit" name="status" '
                f'value="rejected" id="reject-rest" {"" if unreviewed else "disabled"}>Reject the rest</button></form> '
                f'<form method="post" action="{action}/add">{hidden}<button type="submit" id="add">Add accepted'
                "</button></form> (runs <code>kg add</code>: it refuses while a candidate is unreviewed)</p>")

    # ------------------------------------------------------------------ actions

    def _set(self, request: Request, key: str, candidate: str | None) -> Response:
        from werkzeug.utils import redirect

        status = request.form.get("status", "")
        if status not in ("accepted", "rejected"):
            return _page(400, "Bad request", "<p>status must be accepted or rejected</p>")
        try:
            changes = {candidate: status} if candidate else \
                {c.id: status for c in read_draft(self.project, key).unreviewed}
            set_statuses(self.project, key, changes, request.form.get("version"), wait=False)
        except (NoDraft, NoCandidate) as exc:
            return _page(404, "Not found", f"<p>{escape(str(exc))}</p>")
        except (StaleDraft, ProjectLocked) as exc:
            return _page(409, "Conflict", f"<p>{escape(str(exc))}</p>")
        except KgError as exc:
            return _page(422, f"Draft {key} cannot be read", f"<pre>{escape(str(exc))}</pre>")
        response = redirect(f"/{PREFIX}/{quote(key)}" + (f"#{candidate}" if candidate else ""), 303)
        response.headers.update(HEADERS)
        return response

    def _edit(self, request: Request, key: str, candidate: str) -> Response:
        from werkzeug.utils import redirect

        try:
            current = next((c for c in read_draft(self.project, key).candidates if c.id == candidate), None)
            if current is None:
                raise NoCandidate(f"the draft has no candidate {candidate!r}")
            value, new_quote = request.form.get("value"), request.form.get("quote")
            changed_value = value if value is not None and value.strip() != (current.editable or "") else None
            changed_quote = new_quote if new_quote is not None and new_quote.strip() != (current.quote or "") else None
            if changed_value is not None or changed_quote is not None:
                edit_candidate(self.project, key, candidate, value=changed_value, quote=changed_quote,
                               version=request.form.get("version"), wait=False)
        except (NoDraft, NoCandidate) as exc:
            return _page(404, "Not found", f"<p>{escape(str(exc))}</p>")
        except (StaleDraft, ProjectLocked) as exc:
            return _page(409, "Conflict", f"<p>{escape(str(exc))}</p>")
        except InputError as exc:
            return self._draft(key, 422, _result(False, f"{candidate} not edited: {exc}"))
        response = redirect(f"/{PREFIX}/{quote(key)}#{candidate}", 303)
        response.headers.update(HEADERS)
        return response

    def _add(self, key: str) -> Response:
        from kg.api import add
        from kg.check.outcome import render_text
        from kg.draft.curate import draft_path

        try:
            path = draft_path(self.project, key)
            if not path.is_file():
                raise NoDraft(f"no draft drafts/{key}.yaml")
            plan = add(self.project, files=[path], wait=False)
        except NoDraft as exc:
            return _page(404, "Not found", f"<p>{escape(str(exc))}</p>")
        except (ProjectLocked, InputError) as exc:
            return self._draft(key, 409, _result(False, f"kg add refused: {exc}"))
        if not plan.outcome.conforms:
            return self._draft(key, 422, _result(False, render_text(plan.outcome) + "nothing added"))
        added = ", ".join(display_path(p, self.project.root) for p in plan.new_facts)
        return self._draft(key, 200, _result(True, f"added {added}\nchanged: {', '.join(plan.changed_outputs) or 'no output file'}\n"
                                                   f"{plan.summary}"))


def _edit_form(action: str, hidden: str, c: Candidate) -> str:
    """Edit: the candidate's value and its quote, as the file writes them, to correct before accepting."""
    fields = "".join(
        f'<label>{label} <input name="{name}" value="{escape(current)}" data-candidate="{c.id}" size="40"></label> '
        for name, label, current in (("value", "value", c.editable), ("quote", "quote", c.quote)) if current is not None)
    if not fields:
        return ""
    return (f'<details><summary>Edit</summary><form method="post" action="{action}/{c.id}/edit" class="edit">{hidden}'
            f'{fields}<button type="submit" data-candidate="{c.id}" value="edit">Save</button></form></details>')


def _host_name(host: str) -> str:
    """The name of a Host header without its port: "127.0.0.1:8000" → 127.0.0.1, "[::1]:80" → ::1."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0]


def _result(added: bool, text: str) -> str:
    return f'<div class="result{"" if added else " refused"}" id="result"><pre>{escape(text)}</pre></div>'


def _highlighted(draft: DraftReview) -> str:
    """The article, each stretch a candidate's quote covers in a <mark> naming every candidate that covers it."""
    text = draft.article
    cuts = sorted({0, len(text), *(o for c in draft.candidates for s, e in c.spans for o in (s, e))})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [c for c in draft.candidates if any(s <= start and end <= e for s, e in c.spans)]
        chunk = escape(text[start:end])
        if covering:
            ids = " ".join(c.id for c in covering)
            statuses = " ".join(sorted({c.mark.status for c in covering}))
            chunk = f'<mark data-candidate="{ids}" data-status="{statuses}">{chunk}</mark>'
        pieces.append(chunk)
    return f'<div class="article">{"".join(pieces)}</div>'


def _page(status: int, title: str, body: str, headers: dict[str, str] | None = None) -> Response:
    from werkzeug.wrappers import Response

    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body><p><a href="/{PREFIX}/">Drafts</a></p><h1>{escape(title)}</h1>{body}</body></html>')
    return Response(html, status=status, content_type="text/html; charset=utf-8", headers={**HEADERS, **(headers or {})})
