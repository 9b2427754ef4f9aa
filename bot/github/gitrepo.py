"""The persistent clone of the data repository.

The data repository is about 600 MB, so the worker clones it once (single branch, no
tags) into its state folder and afterwards only fetches: `sync()` fetches the default
branch (a few new commits a day, kilobytes) and checks it out detached, resetting
whatever a previous job left. A pull request branch is built on top of that checkout
with one commit and pushed with `--force-with-lease`; when the remote branch already
holds the same tree on the same base, nothing is pushed, so a re-run is a no-op.

Credentials are never written to `.git/config`: for https remotes the token goes in
an `http.extraHeader` passed through the environment of each git command.
A file lock serialises git work between worker threads and processes.

Before anything writes into the working tree (a plan being applied), a marker file
`.git/authorbot-dirty` is made; `reset_to` removes it once the checkout is clean again.
So `sync` knows, without looking at 1,500 files, that a clone already at the default
branch's head with no marker needs no checkout: a killed job leaves the marker behind.
"""

from __future__ import annotations

import base64
import fcntl
import logging
import os
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.github.errors import PermanentError, TransientError
from bot.github.gitpack import FileContent, PackError, write_commit

log = logging.getLogger(__name__)


class GitError(PermanentError):
    """A git command failed."""


@dataclass(frozen=True)
class BranchResult:
    """The pull request branch after `publish_branch`: its head commit, the base it is
    built on, and whether this call pushed (False: the remote already had it)."""

    head: str
    base: str
    pushed: bool


class DataClone:
    """One persistent clone at `path` of the repository at `remote_url`.

    Parameters:
        path: where the clone lives (created on first use).
        remote_url: `https://github.com/owner/repo.git`, or a local path / file:// URL.
        token: gives a token for https remotes (None for local remotes).
        author: `(name, email)` of the bot's commits.
    """

    def __init__(
        self,
        path: Path,
        remote_url: str,
        token: Callable[[], str] | None = None,
        author: tuple[str, str] = ("authorbot", "authorbot@users.noreply.github.com"),
    ) -> None:
        self.path = Path(path)
        self.remote_url = remote_url
        self.token = token
        self.author = author
        # Called before every push (the worker's lease check).
        self.before_push: Callable[[], None] | None = None
        self._remote_checked = False  # the origin URL was checked by this process
        # False when the last `sync` found the checkout already right (nothing changed).
        self.last_sync_reset = True
        # Remote branch heads `remote_head` saw in this job and nothing pushed since:
        # `push_commits` leases on them instead of asking the remote again.
        self._seen: dict[str, str | None] = {}
        # Name prefixes of the bot's own branches (`authorbot/issue-`): `sync` fetches
        # them with the default branch, and `remote_head` then reads them from the
        # clone instead of asking the remote once more (`ls-remote`, a round trip to
        # GitHub in every approval).
        self.tracked: tuple[str, ...] = ()
        self._fetched: tuple[str, ...] = ()  # the prefixes this job's `sync` fetched
        self._pushed: set[str] = set()  # branches pushed since: their tracking refs lag
        self._from_sync: set[str] = set()  # `_seen` heads read from a tracking ref
        # The trees `commit_files` read of a base, by that base (commits never change).
        self._trees: dict[str, dict[str, bytes | None]] = {}

    @property
    def _dirty_marker(self) -> Path:
        return self.path / ".git" / "authorbot-dirty"

    def mark_dirty(self) -> None:
        """Say that the working tree is about to be written (see the module docstring)."""
        self._dirty_marker.touch()

    def mark_clean(self) -> None:
        """Say that the working tree is again exactly what HEAD holds (the caller wrote
        back every file it changed, byte for byte)."""
        self._dirty_marker.unlink(missing_ok=True)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_AUTHOR_NAME": self.author[0],
                "GIT_AUTHOR_EMAIL": self.author[1],
                "GIT_COMMITTER_NAME": self.author[0],
                "GIT_COMMITTER_EMAIL": self.author[1],
            }
        )
        if self.token is not None and self.remote_url.startswith("https://"):
            basic = base64.b64encode(f"x-access-token:{self.token()}".encode()).decode()
            env.update(
                {
                    "GIT_CONFIG_COUNT": "1",
                    "GIT_CONFIG_KEY_0": "http.extraHeader",
                    "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
                }
            )
        return env

    def git(self, *args: str, check: bool = True, cwd: Path | None = None) -> str:
        """Run one git command in the clone; returns its stdout (stripped).

        Raises:
            TransientError: a network command (fetch, push, clone, ls-remote) failed.
            GitError: any other command failed.
        """
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd or self.path,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if check and proc.returncode != 0:
            message = f"git {' '.join(args[:2])} failed: {proc.stderr.strip()[-500:]}"
            if args[0] in ("fetch", "push", "clone", "ls-remote"):
                raise TransientError(message)
            raise GitError(message)
        return proc.stdout.strip()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the clone's lock (one job at a time, across threads and processes)."""
        with self._lock(wait=True):
            yield

    @contextmanager
    def locked_if_free(self) -> Iterator[bool]:
        """Hold the clone's lock if no one holds it now: yields True, or at once False
        (for work that can wait, like an idle worker's)."""
        with self._lock(wait=False) as got:
            yield got

    @contextmanager
    def _lock(self, wait: bool) -> Iterator[bool]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.parent / f".{self.path.name}.lock"
        with open(lock_path, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure(self, default_branch: str) -> None:
        """Clone once (single branch, no tags); later calls only check the remote URL."""
        if (self.path / ".git").is_dir():
            if not self._remote_checked:
                if self.git("remote", "get-url", "origin") != self.remote_url:
                    self.git("remote", "set-url", "origin", self.remote_url)
                self._remote_checked = True
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.git(
            "clone",
            "--no-tags",
            "--single-branch",
            "--branch",
            default_branch,
            self.remote_url,
            str(self.path),
            cwd=self.path.parent,
        )

    def sync(self, default_branch: str) -> str:
        """Fetch the default branch and check it out detached, discarding local changes
        and the lock files of a git command that was killed (hold `locked()`).

        Returns:
            The default branch's head commit.
        """
        self.ensure(default_branch)
        self.clear_stale_locks()
        self._seen.clear()  # a new job: what the remote held may have changed
        self._fetched, self._pushed, self._from_sync = (), set(), set()
        remote_ref = f"refs/remotes/origin/{default_branch}"
        prefixes = _branch_patterns(self.tracked)
        self.git(
            "fetch",
            "--no-tags",
            "--prune",  # a bot branch deleted on the remote goes here too
            "origin",
            f"+refs/heads/{default_branch}:{remote_ref}",
            *(f"+refs/heads/{p}*:refs/remotes/origin/{p}*" for p in prefixes),
        )
        self._fetched = prefixes
        head = self._read_ref(remote_ref) or self.git("rev-parse", remote_ref)
        self.last_sync_reset = self._dirty_marker.exists() or self._detached_head() != head
        if self.last_sync_reset:
            self.reset_to(head)
        return head

    def _read_ref(self, ref: str) -> str | None:
        """The commit a ref names, read from `.git` (a `git rev-parse` costs 5 ms
        before every job); None when it is not a plain loose or packed ref."""
        found = self._look_up_ref(ref)
        return found if isinstance(found, str) else None

    def _look_up_ref(self, ref: str) -> str | bool:
        """The commit a ref names, read from `.git`; False when neither a loose nor a
        packed ref of that name is there, True when one is but cannot be read as a
        SHA-1 commit id (a symbolic ref, another ref store: ask git)."""
        git_dir = self.path / ".git"
        if not self._refs_in_files:
            return True  # refs kept in git's binary store: ask git
        try:
            text = (git_dir / ref).read_text("ascii").strip()
        except FileNotFoundError:
            text = ""
            try:
                packed = (git_dir / "packed-refs").read_text("ascii")
            except FileNotFoundError:
                return False
            except (OSError, UnicodeDecodeError):
                return True
            for line in packed.splitlines():
                if line.endswith(" " + ref):
                    text = line.split(" ", 1)[0]
            if not text:
                return False
        except (OSError, UnicodeDecodeError):
            return True
        return text if len(text) == 40 and all(c in "0123456789abcdef" for c in text) else True

    @property
    def _refs_in_files(self) -> bool:
        """True when the clone keeps its refs as files (loose and packed-refs), which
        this class reads and writes itself; False for git's binary store (reftable)."""
        return not (self.path / ".git" / "reftable").exists()

    def _detached_head(self) -> str | None:
        """The commit HEAD is detached at, read from `.git/HEAD` (None: on a branch)."""
        try:
            text = (self.path / ".git" / "HEAD").read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return None if text.startswith("ref:") else text

    def clear_stale_locks(self) -> list[str]:
        """Remove the lock files a git command killed mid-way left in the clone
        (`index.lock`, `HEAD.lock`, `refs/...lock`); with one there, every later git
        command here fails. Call it only while holding `locked()`: then no other git
        command of the bot runs in this clone, so any lock file is stale.

        Returns:
            The lock files removed (relative to `.git`).
        """
        git_dir = self.path / ".git"
        removed: list[str] = []
        for top in git_dir.iterdir() if git_dir.is_dir() else ():
            if top.name == "objects":  # git writes objects without .lock files
                continue
            for lock in [top] if top.is_file() else top.rglob("*.lock"):
                if lock.name.endswith(".lock") and lock.is_file():
                    lock.unlink(missing_ok=True)
                    removed.append(str(lock.relative_to(git_dir)))
        if removed:
            log.warning("removed lock files a killed git command left: %s", ", ".join(removed))
        return removed

    def reset_to(self, commit: str) -> None:
        """Check out `commit` detached and remove anything a job left behind."""
        self._dirty_marker.touch()  # until both commands succeeded
        self.git("checkout", "--quiet", "--force", "--detach", commit)
        self.git("clean", "-fdq")
        self._dirty_marker.unlink(missing_ok=True)

    def remote_head(self, branch: str) -> str | None:
        """The remote branch's head commit, or None when it does not exist.

        The answer is kept until the next push of the branch or `sync` (the next job):
        `push_commits` leases on it, so a branch someone moved since is still never
        overwritten (the push is refused), and the job asks the remote once. A branch
        `sync` fetched in this job (`tracked`) is read from the clone: its head as the
        job began, leased on the same way.
        """
        if branch in self._seen:
            return self._seen[branch]
        found: str | bool = True
        if branch not in self._pushed and branch.startswith(self._fetched):
            found = self._look_up_ref(f"refs/remotes/origin/{branch}")
            if found is not True:
                self._from_sync.add(branch)
        if found is True:
            out = self.git("ls-remote", "origin", f"refs/heads/{branch}")
            found = out.split()[0] if out else False
        self._seen[branch] = found if isinstance(found, str) else None
        return self._seen[branch]

    def commit(self, paths: list[str], message: str) -> str:
        """Commit `paths` (already written in the working copy) on top of the commit
        checked out; returns the new commit (the clone stays on it, detached)."""
        if not paths:
            raise GitError("the plan wrote no files")
        self.git("add", "--", *paths)
        self.git("commit", "--quiet", "--no-verify", "-m", message)
        return self.git("rev-parse", "HEAD")

    def commit_files(self, base: str, files: Mapping[str, FileContent], message: str) -> str:
        """Make a commit on `base` whose files are those of `base` but `files` (new
        contents by path: a `Patched` file as its old bytes and the ranges replaced,
        any other as its bytes in pieces), without touching the working tree, the
        index or HEAD; returns it.

        The commit is written as one small pack (`bot/github/gitpack.py`): a patched
        file as a delta against its old version, which `git push` then sends as it is.
        `git add`, `git commit` and `git rev-parse` were three processes, each reading
        the index and stat-ing the 1,500 files of the checkout, and the push searched
        for that delta itself. The commit is kept reachable by `refs/authorbot/commit`
        until the next one.

        Raises:
            GitError: no files, or the commit cannot be written on `base`.
        """
        if not files:
            raise GitError("the plan wrote no files")
        if base not in self._trees:
            self._trees = {base: {}}  # the trees of the last base only
        try:
            commit = write_commit(
                self.path, self._env(), base, files, message, self.author, self._trees[base]
            )
        except PackError as exc:
            raise GitError(f"cannot write the commit: {exc}") from exc
        self._keep(commit)
        return commit

    def _keep(self, commit: str) -> None:
        """Point `refs/authorbot/commit` at `commit` (reachable, so no `git gc` takes it
        before the push). Written as git writes a loose ref, through its `.lock` file
        and a rename (a `git update-ref` process costs 4-5 ms); git itself when the
        refs are not kept in files or the lock is taken."""
        ref = self.path / ".git" / "refs" / "authorbot" / "commit"
        lock = ref.with_name("commit.lock")
        if self._refs_in_files:
            ref.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                pass
            else:
                try:
                    try:
                        os.write(fd, f"{commit}\n".encode("ascii"))
                    finally:
                        os.close(fd)
                    os.replace(lock, ref)
                except BaseException:
                    lock.unlink(missing_ok=True)
                    raise
                return
        self.git("update-ref", "refs/authorbot/commit", commit)

    def chain(self, base: str, head: str) -> list[tuple[str, str]] | None:
        """What a branch from `base` to `head` holds: the (tree, message) of each commit,
        oldest first; None when `head` is not a line of single-parent commits on `base`.

        Two branches with equal chains make the same pull request, whatever their
        commit ids (the dates differ each time a branch is rebuilt).
        """
        if head == base:
            return []
        out = self.git(
            "log",
            "--first-parent",
            "--reverse",
            "--format=%H %T %P%x00%B%x1e",
            f"{base}..{head}",
            check=False,
        )
        commits: list[tuple[str, str]] = []
        parent = base
        for record in out.split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            header, _, message = record.partition("\x00")
            commit, tree, *parents = header.split()
            if parents != [parent]:
                return None
            commits.append((tree, message.strip()))
            parent = commit
        return commits if commits and parent == self.git("rev-parse", head) else None

    def push_commits(self, branch: str, base: str, head: str) -> BranchResult:
        """Make the remote `branch` hold the commits from `base` to `head`.

        When the remote branch already holds the same chain on the same base (the same
        trees and messages), nothing is pushed and its head is kept, so a re-run is a
        no-op. Otherwise the branch is (force) pushed, leased on the head seen just
        before, so a concurrent change is not overwritten silently.
        """
        remote = self.remote_head(branch)
        fetched = branch in self._from_sync  # its commits came with `sync`
        self._forget(branch)  # pushed or not, ask the remote next time
        if remote is not None:
            if not fetched:
                self.git(
                    "fetch",
                    "--no-tags",
                    "origin",
                    f"+refs/heads/{branch}:refs/remotes/origin/{branch}",
                )
            if self.chain(base, remote) == self.chain(base, head):
                return BranchResult(head=remote, base=base, pushed=False)
        if self.before_push is not None:
            self.before_push()
        self.git(
            "push",
            "--quiet",
            f"--force-with-lease=refs/heads/{branch}:{remote or ''}",
            "origin",
            f"{head}:refs/heads/{branch}",
        )
        return BranchResult(head=head, base=base, pushed=True)

    def _forget(self, branch: str) -> None:
        """A push of `branch` may follow: what this job saw of its head, from the
        remote or from `sync`, is not to be trusted any more."""
        self._seen.pop(branch, None)
        self._from_sync.discard(branch)
        self._pushed.add(branch)

    def has_commit(self, commit: str) -> bool:
        """True when the clone holds `commit`."""
        proc = subprocess.run(
            ["git", "cat-file", "-e", f"{commit}^{{commit}}"],
            cwd=self.path,
            env=self._env(),
            capture_output=True,
        )
        return proc.returncode == 0

    def restore_branch(self, branch: str, commit: str) -> bool:
        """Point the remote `branch` at `commit` again (after someone deleted or moved
        it); False when the clone does not have that commit."""
        if not self.has_commit(commit):
            return False
        self._forget(branch)
        if self.before_push is not None:
            self.before_push()
        self.git("push", "--quiet", "--force", "origin", f"{commit}:refs/heads/{branch}")
        return True

    def publish_branch(
        self, branch: str, base: str, paths: list[str], message: str
    ) -> BranchResult:
        """Commit `paths` (already written in the working copy, on top of `base`) and
        make the remote `branch` hold exactly that one commit (see `push_commits`)."""
        head = self.commit(paths, message)
        return self.push_commits(branch, base, head)


def _branch_patterns(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """The prefixes `sync` can fetch as `refs/heads/<prefix>*`: of plain characters,
    each once, none inside another (two patterns matching one branch make git
    refuse the fetch)."""
    plain = sorted({p for p in prefixes if re.fullmatch(r"[A-Za-z0-9._/-]+", p) and ".." not in p})
    kept: list[str] = []
    for prefix in plain:  # sorted: a prefix comes before the longer ones it covers
        if not prefix.startswith(tuple(kept)):
            kept.append(prefix)
    return tuple(kept)
