# Build settings of the pipeline part (included by the top-level CMakeLists).
#
# GCC 12 reports a false -Wmismatched-new-delete on the frames of coroutines
# that return boost::asio::awaitable (the frame's operator new/delete are a
# matching pair of asio's thread-local recycling allocator). Only the pipeline's
# coroutine files are exempted.
file(GLOB EVPROV_PIPELINE_CORO_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/src/pipeline/steps_*.cc
     ${PROJECT_SOURCE_DIR}/src/pipeline/step_context.cc
     ${PROJECT_SOURCE_DIR}/src/pipeline/runner.cc
     ${PROJECT_SOURCE_DIR}/src/pipeline/unit_channel.cc)
set_source_files_properties(${EVPROV_PIPELINE_CORO_SOURCES} PROPERTIES
                            COMPILE_OPTIONS -Wno-mismatched-new-delete)
