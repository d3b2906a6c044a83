#!/usr/bin/env bash
# Generates a migration named $1 for both dialects from the difference between the entities and
# a database built by the existing migrations. Needs the local MariaDB (see README.md).
set -euo pipefail
name=${1:?usage: scripts/generate-migration.sh Name}
mysql_base=${MIGRATION_MYSQL_URL:-mariadb://root@127.0.0.1:3306}
db=tessera_migration_gen
mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
sqlite_file=$(mktemp -d)/gen.sqlite
export TS_NODE_TRANSPILE_ONLY=true
for url in "$mysql_base/$db" "$sqlite_file"; do
  dialect=sqlite; [[ $url == *://* ]] && dialect=mysql
  DATABASE_URL=$url npx typeorm-ts-node-commonjs migration:run -d ormconfig.ts >/dev/null
  DATABASE_URL=$url npx typeorm-ts-node-commonjs migration:generate "src/database/migrations/$dialect/$name" -d ormconfig.ts
done
mysql -uroot -h127.0.0.1 -e "DROP DATABASE $db"
# Register every migration of each dialect, in file-name (timestamp) order.
for dialect in mysql sqlite; do
  dir=src/database/migrations/$dialect
  imports="" names=""
  for file in $(ls "$dir"/*.ts | grep -v '/index.ts$' | sort); do
    base=$(basename "$file" .ts)
    class=$(grep -o 'export class [A-Za-z0-9]*' "$file" | awk '{print $3}')
    imports+="import { $class } from './$base';"$'\n'
    names+="$class, "
  done
  printf '%s\n/** Applied in order; scripts/generate-migration.sh adds each new migration here. */\nexport const %s_MIGRATIONS = [%s];\n' \
    "$imports" "${dialect^^}" "${names%, }" > "$dir/index.ts"
done
