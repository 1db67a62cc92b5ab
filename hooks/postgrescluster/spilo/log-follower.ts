/**
 * The JSON log follower: a short Python program (the Spilo image's python3) that copies PostgreSQL's
 * current jsonlog file to its own stdout, so that `kubectl logs <pod> -c postgres-log` shows it.
 *
 * How it finds the file: the logging collector writes `current_logfiles` in the data directory
 * (PostgreSQL 10 and later, syslogger.c `update_metainfo_datafile`), one `format path` line per
 * destination, the path relative to the data directory when log_directory is (Spilo's `../pg_log`);
 * it rewrites it after every rotation. The follower re-reads it, finishes the old file, then reads the
 * new one from its start; a file that shrank was truncated by a rotation that reused its name
 * (log_truncate_on_rotation) and is read again from the start. Started or restarted, it begins at the
 * end of the current file, so a restart repeats nothing (the files on the volume still hold it all).
 * Only whole lines are written, so two JSON objects never share a line. SIGTERM ends it at once after
 * a last read: as PID 1 it would otherwise ignore the signal and hold the pod for the grace period.
 * The argument is the data directory.
 */
const SCRIPT_LINES = [
  'import os, signal, sys, time',
  'data = sys.argv[1]',
  'out = sys.stdout.buffer',
  'state = {"path": None, "fh": None, "rest": b""}',
  'def current():',
  '    try:',
  '        with open(os.path.join(data, "current_logfiles"), encoding="utf-8") as f:',
  '            for line in f:',
  '                kind, _, path = line.rstrip("\\n").partition(" ")',
  '                if kind == "jsonlog":',
  '                    return os.path.join(data, path)',
  '    except OSError:',
  '        pass',
  '    return None',
  'def copy(final=False):',
  '    fh = state["fh"]',
  '    if fh is None:',
  '        return False',
  '    if os.fstat(fh.fileno()).st_size < fh.tell():',
  '        fh.seek(0)',
  '    chunk = fh.read(1 << 16)',
  '    data_ = state["rest"] + (chunk or b"")',
  '    cut = len(data_) if final or len(data_) > (1 << 20) else data_.rfind(b"\\n") + 1',
  '    out.write(data_[:cut])',
  '    out.flush()',
  '    state["rest"] = data_[cut:]',
  '    return bool(chunk)',
  'def switch(path, at_end):',
  '    if state["fh"] is not None:',
  '        while copy():',
  '            pass',
  '        copy(final=True)',
  '        state["fh"].close()',
  '    state["path"], state["fh"], state["rest"] = path, None, b""',
  '    try:',
  '        state["fh"] = open(path, "rb")',
  '    except OSError:',
  '        state["path"] = None',
  '        return',
  '    if at_end:',
  '        state["fh"].seek(0, 2)',
  'def stop(*_):',
  '    while copy():',
  '        pass',
  '    copy(final=True)',
  '    sys.exit(0)',
  'signal.signal(signal.SIGTERM, stop)',
  'first = True',
  'while True:',
  '    path = current()',
  '    if path is not None and path != state["path"]:',
  '        switch(path, first)',
  '        first = first and state["fh"] is None',
  '    if not copy():',
  '        time.sleep(0.2)',
];

/** The program, passed to `python3 -c`. */
export const LOG_FOLLOWER_SCRIPT = SCRIPT_LINES.join('\n') + '\n';
