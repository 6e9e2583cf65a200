// The runner: drives one unit through the transition table, one journaled
// step at a time, on its channel's strand. Started when the unit's charger
// connects; it returns when the unit is ready or failed, when the charger is
// gone (the unit stays at its step and resumes on the next connection), or
// when the station stops.
//
// Thread-safety: the coroutine runs on the channel's strand.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>

#include "evprov/pipeline/station.h"
#include "pipeline/progress.h"
#include "pipeline/steps.h"
#include "pipeline/unit_channel.h"

namespace evprov::pipeline {

struct RunnerEnv {
  const Services* services = nullptr;
  ProgressTracker* progress = nullptr;
  std::function<void(const UnitOutcome&)> on_finished;  // may be empty
};

boost::asio::awaitable<void> RunUnit(std::shared_ptr<UnitChannel> channel, const RunnerEnv& env);

}  // namespace evprov::pipeline
