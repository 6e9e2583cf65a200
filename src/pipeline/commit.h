// Awaiting a group commit from a pipeline coroutine: the unit's coroutine is
// suspended (its thread runs other units) until the store::GroupCommit has
// made the work durable together with other units' work, then resumes on its
// own executor. Private to src/pipeline.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "evprov/common/status.h"
#include "evprov/store/group_commit.h"

namespace evprov::pipeline {

namespace asio = boost::asio;

// Runs work in the next group commit; resumes with its Status (its own error,
// or the commit's).
asio::awaitable<Status> CommitAsync(store::GroupCommit& commits, store::GroupCommit::Work work);

}  // namespace evprov::pipeline
