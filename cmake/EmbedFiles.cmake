# evprov_embed_migrations(target dir): turns dir/<dialect>/NNNN_name.{up,down}.sql
# into a generated source that defines evprov::store::EmbeddedMigrations().
function(evprov_embed_migrations target dir)
  file(GLOB_RECURSE sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  set(out ${PROJECT_BINARY_DIR}/generated/evprov_migrations_embedded.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "Embedding store migrations")
  target_sources(${target} PRIVATE ${out})
endfunction()
