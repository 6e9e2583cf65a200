// Migration scripts embedded at build time (see cmake/EmbedMigrations.cmake).
#pragma once

#include <vector>

namespace evprov::store {

struct MigrationFile {
  const char* dialect;    // "sqlite" | "postgres"
  int version;            // 1, 2, ...
  const char* name;       // "foundation"
  const char* direction;  // "up" | "down"
  const char* sql;
};

const std::vector<MigrationFile>& EmbeddedMigrationFiles();

}  // namespace evprov::store
