#!/usr/bin/env bash
# Backups of the registry's PostgreSQL and their restore (docs/deploy.md says when to run which).
# Run it as the operating-system user `postgres` on the database server (Debian: `sudo -u postgres scripts/backup.sh …`),
# which reaches the cluster through its Unix socket without a password. The connection is libpq's: PGHOST, PGPORT,
# PGUSER, PGPASSFILE/PGPASSWORD are honoured (never a password on the command line).
#   backup.sh dump DIR [DB]                 pg_dump of DB (default accessibility) into DIR/DB-YYYYmmddTHHMMSSZ.dump
#                                           (custom format) and the roles into DIR/roles-….sql; files older than KEEP_DAYS (default 14) are removed
#   backup.sh restore-dump FILE DB          restores a dump into DB, which must not exist yet: created as the dump's
#                                           owner, then every object with its owner and grants as they were
#   backup.sh base-backup DIR               pg_basebackup of the whole cluster (tar, compressed, with the WAL it needs)
#                                           into DIR/base-YYYYmmddTHHMMSSZ/; the WAL archive holds the rest
#   backup.sh restore-pitr BASE ARCHIVE DATA [TIME]
#                                           prepares DATA (missing or empty) as the cluster recovered from base backup
#                                           BASE and the WAL archive ARCHIVE up to TIME (a timestamp with time zone;
#                                           default: the end of the archive). Start PostgreSQL on DATA afterwards: it
#                                           replays the WAL, stops at TIME and promotes itself (a new timeline)
#   backup.sh prune BASES ARCHIVE [KEEP]    keeps the newest KEEP (default 2) base backups under BASES, removes older
#                                           ones and the archived WAL only they needed (pg_archivecleanup)
#   backup.sh archive-wal PATH NAME ARCHIVE the archive_command: copies WAL file PATH as ARCHIVE/NAME, on disk before it
#                                           answers; refuses to overwrite a different file of that name
set -euo pipefail
# The tools of the server's version (Debian's wrappers in /usr/bin may pick another installed one).
PATH=/usr/lib/postgresql/${PG_MAJOR:-15}/bin:$PATH

stamp() { date -u +%Y%m%dT%H%M%SZ; }

case "${1:-}" in
  dump)
    dir=$2; db=${3:-accessibility}
    mkdir -p "$dir"
    ts=$(stamp); file="$dir/$db-$ts.dump"
    # Written beside, renamed when complete: a half-written dump never looks like a backup.
    pg_dump --format=custom --compress=6 --file="$file.partial" "$db"
    mv "$file.partial" "$file"
    # The roles (with their password hashes) that own and use the tables: a new server needs them before the dump.
    pg_dumpall --roles-only --file="$dir/roles-$ts.sql.partial"
    mv "$dir/roles-$ts.sql.partial" "$dir/roles-$ts.sql"
    find "$dir" -maxdepth 1 \( -name "$db-*.dump" -o -name 'roles-*' \) -mtime +"${KEEP_DAYS:-14}" -delete
    echo "$file"
    ;;
  restore-dump)
    file=$2; db=$3
    # The owner of the schema (the database's owner) is the role that owns the registry's tables in the dump.
    owner=$(pg_restore --schema-only --file=- "$file" | sed -nE 's/^ALTER TABLE public\.[^ ]+ OWNER TO ([^;]+);$/\1/p' | head -1)
    [ -n "$owner" ] || { echo "cannot tell the owner of the tables in $file" >&2; exit 1; }
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$owner\""
    pg_restore --exit-on-error --single-transaction --dbname="$db" "$file"
    ;;
  base-backup)
    dir=$2
    mkdir -p "$dir"
    target="$dir/base-$(stamp)"
    pg_basebackup --pgdata="$target.partial" --format=tar --gzip --wal-method=stream --checkpoint=fast --label="registry $(stamp)"
    mv "$target.partial" "$target"
    echo "$target"
    ;;
  restore-pitr)
    base=$2; archive=$3; data=$4; time=${5:-}
    [ -f "$base/base.tar.gz" ] || { echo "$base holds no base backup (base.tar.gz)" >&2; exit 1; }
    [ -d "$archive" ] || { echo "no WAL archive at $archive" >&2; exit 1; }
    if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then echo "$data is not empty: move the old cluster aside first" >&2; exit 1; fi
    mkdir -p "$data"; chmod 700 "$data"
    tar -xzf "$base/base.tar.gz" -C "$data"
    tar -xzf "$base/pg_wal.tar.gz" -C "$data/pg_wal"
    archive=$(cd "$archive" && pwd)
    # A restored cluster must not archive into the archive it is restored from (its new timeline would mix with the
    # old one's files); archiving is switched on again by hand once the restore is accepted (docs/deploy.md).
    {
      echo "# Point-in-time recovery, written by scripts/backup.sh restore-pitr on $(date -u '+%F %T') UTC"
      echo "restore_command = 'cp \"$archive/%f\" \"%p\"'"
      if [ -n "$time" ]; then echo "recovery_target_time = '$time'"; fi
      echo "recovery_target_action = 'promote'"
      echo "archive_mode = 'off'"
    } >>"$data/postgresql.auto.conf"
    touch "$data/recovery.signal"
    echo "$data is ready: start PostgreSQL on it; it replays the archive${time:+ up to $time} and then accepts writes."
    ;;
  prune)
    bases=$2; archive=$3; keep=${4:-2}
    mapfile -t all < <(find "$bases" -maxdepth 1 -type d -name 'base-*' ! -name '*.partial' | sort)
    [ ${#all[@]} -gt 0 ] || { echo "no base backup under $bases: nothing pruned" >&2; exit 0; }
    oldest_kept=${all[$(( ${#all[@]} > keep ? ${#all[@]} - keep : 0 ))]}
    for b in "${all[@]}"; do [[ "$b" < "$oldest_kept" ]] && rm -rf "$b"; done
    # The first WAL file the oldest kept base backup needs: everything archived before it is of no more use.
    first=$(tar -xzOf "$oldest_kept/base.tar.gz" backup_label | sed -nE 's/^START WAL LOCATION: .*\(file ([0-9A-F]{24})\)$/\1/p')
    [ -n "$first" ] || { echo "cannot read the start of $oldest_kept" >&2; exit 1; }
    pg_archivecleanup "$archive" "$first"
    ;;
  archive-wal)
    path=$2; name=$3; archive=$4
    if [ -f "$archive/$name" ]; then
      # PostgreSQL may archive a file again after a crash: the same content is success, a different one is not.
      cmp -s "$path" "$archive/$name" && exit 0
      echo "$archive/$name exists with different content" >&2; exit 1
    fi
    cp "$path" "$archive/.$name.partial"
    sync "$archive/.$name.partial"
    mv "$archive/.$name.partial" "$archive/$name"
    sync "$archive"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2
    exit 2
    ;;
esac
