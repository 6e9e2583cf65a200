# The demo finds the example catalog in the source tree unless told otherwise.
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/cli/demo_command.cc PROPERTIES
  COMPILE_DEFINITIONS "EVPROV_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")

# The end-to-end tests run the real executables.
if(TARGET e2e_tests)
  add_dependencies(e2e_tests evprov evprov-sim)
endif()
