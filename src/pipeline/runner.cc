#include "pipeline/runner.h"

#include "evprov/catalog/repository.h"
#include "evprov/common/log.h"
#include "pipeline/commit.h"
#include "pipeline/journal.h"

namespace evprov::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

struct UnitRecords {
  units::Unit unit;
  catalog::Variant variant;
  std::string environment;
};

Result<UnitRecords> LoadUnit(store::Store& store, catalog::VariantCache& variants,
                             std::int64_t unit_id) {
  UnitRecords out;
  EVPROV_TRY(store::InTransaction(store, store::TxMode::kRead, [&](store::Transaction& tx) {
    EVPROV_ASSIGN_OR_RETURN(out.unit, units::GetUnit(tx, unit_id));
    if (!out.unit.work_order_id) {
      return Status::FailedPrecondition("unit " + std::to_string(unit_id) + " has no work order");
    }
    EVPROV_ASSIGN_OR_RETURN(auto order, catalog::GetWorkOrder(tx, *out.unit.work_order_id));
    EVPROV_ASSIGN_OR_RETURN(
        out.variant,
        catalog::GetVariant(tx, order.order.variant_name, order.order.variant_version, &variants));
    out.environment = order.order.environment;
    return Status::Ok();
  }));
  return out;
}

void Finish(const RunnerEnv& env, const units::Unit& unit, std::string_view state,
            std::string_view step, std::string_view reason) {
  env.progress->UnitState(unit.id, state, step);
  if (!env.on_finished) return;
  UnitOutcome o;
  o.unit_id = unit.id;
  o.hardware_id = unit.hardware_id;
  o.state = state;
  o.step = step;
  o.reason = reason;
  o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      Clock::now() - env.progress->FirstSeen(unit.id));
  env.on_finished(o);
}

// Fails the unit for good (journal + state) and reports it.
asio::awaitable<void> FailUnit(const RunnerEnv& env, const units::Unit& unit, std::string_view step,
                               const std::string& reason) {
  const std::string& actor = env.services->options->actor;
  const std::int64_t unit_id = unit.id;
  Status s = co_await CommitAsync(*env.services->commits, [&](store::Transaction& tx) {
    return RecordFailed(tx, unit_id, step, reason, true, actor);
  });
  if (!s.ok()) {
    log::Error("pipeline.journal.failed", {{"unit", unit.id}, {"reason", s.message()}});
  }
  log::Warn("pipeline.unit.failed", {{"unit", unit.id}, {"step", step}, {"reason", reason}});
  Finish(env, unit, "failed", step, reason);
}

}  // namespace

// Seals a ready unit (steps_provision.cc: RunSeal) on its current
// connection and journals the outcome; a failure is logged, and the seal runs
// again when the charger comes back to the validation endpoint.
asio::awaitable<void> Seal(StepContext& ctx) {
  const std::int64_t unit_id = ctx.unit_id;
  ctx.detail = nlohmann::json::object();
  Status sealed = co_await RunSeal(ctx);
  const std::string event = sealed.ok() ? "done" : "failed";
  if (!sealed.ok()) ctx.detail["reason"] = sealed.message();
  Status journaled = co_await CommitAsync(*ctx.services.commits, [&](store::Transaction& tx) {
    return RecordEvent(tx, unit_id, "seal", event, ctx.detail);
  });
  if (!sealed.ok() || !journaled.ok()) {
    log::Warn(
        "pipeline.unit.seal_failed",
        {{"unit", unit_id}, {"reason", sealed.ok() ? journaled.message() : sealed.message()}});
  } else {
    log::Info("pipeline.unit.sealed", {{"unit", unit_id}});
  }
}

asio::awaitable<void> RunUnit(std::shared_ptr<UnitChannel> channel, const RunnerEnv& env) {
  const Services& services = *env.services;
  const std::string& actor = services.options->actor;
  const std::int64_t unit_id = channel->unit_id();
  // The work order and its variant do not change while the unit runs: read
  // them once. The unit's own record comes back from each step's "done"
  // commit; it is read again only when a step's "started" commit finds the
  // unit moved by someone else (RecordStarted).
  auto records = LoadUnit(*services.store, *services.variants, unit_id);
  bool just_read = true;  // records are what the store holds now
  for (;;) {
    if (channel->cancelled()) break;
    if (!records.ok()) {
      log::Error("pipeline.unit.unreadable",
                 {{"unit", unit_id}, {"reason", records.status().message()}});
      break;
    }
    const units::Unit& unit = records->unit;
    if (unit.state == units::UnitState::kReady &&
        channel->connection().endpoint == Endpoint::kValidation &&
        channel->connection().connected) {
      // Ready, yet back at the validation endpoint: its seal was never sent.
      StepContext seal(services, *channel, unit_id);
      seal.limits = services.LimitsFor("finalize");
      seal.unit = unit;
      // A charger takes CALLs only once its BootNotification is answered.
      if (co_await channel->WaitConnected(Endpoint::kValidation, true, seal.limits.timeout)) {
        co_await Seal(seal);
      }
      break;
    }
    if (unit.state != units::UnitState::kRegistered &&
        unit.state != units::UnitState::kProvisioning) {
      env.progress->UnitState(unit_id, units::UnitStateName(unit.state), unit.step.value_or(""));
      break;
    }
    std::optional<StepId> step_id = StepId::kAdmit;
    if (unit.state == units::UnitState::kProvisioning && unit.step) step_id = ParseStep(*unit.step);
    if (!step_id) {
      const std::string last_step = unit.step.value_or(std::string());
      const std::string why = "unknown pipeline step '" + last_step + "'";
      co_await FailUnit(env, unit, last_step, why);
      break;
    }
    const Transition& t = TransitionOf(*step_id);
    env.progress->UnitState(unit_id, "provisioning", t.name);
    auto environment = services.environments.find(records->environment);
    if (environment == services.environments.end()) {
      co_await FailUnit(env, unit, t.name,
                        std::string(t.name) +
                            ": the station serves no validation endpoint for environment '" +
                            records->environment + "'");
      break;
    }
    StepContext ctx(services, *channel, unit_id);
    ctx.limits = services.LimitsFor(t.name);
    ctx.unit = unit;
    ctx.variant = records->variant;
    ctx.environment = &environment->second;

    Status result;
    bool parked = false;
    bool moved = false;  // RecordStarted found the unit elsewhere: read it again
    const bool first_step = unit.state == units::UnitState::kRegistered;
    Clock::time_point began;
    std::uint64_t min_generation = 0;
    for (int attempt = 1; attempt <= std::max(1, ctx.limits.attempts); ++attempt) {
      std::optional<Endpoint> endpoint;
      if (t.endpoint == StepEndpoint::kFactory) endpoint = Endpoint::kFactory;
      const bool need_boot = t.endpoint != StepEndpoint::kValidation;
      if (!co_await channel->WaitConnected(endpoint, need_boot, ctx.limits.timeout,
                                           min_generation)) {
        parked = true;
        break;
      }
      const std::uint64_t generation = channel->connection().generation;
      Status started = co_await CommitAsync(*services.commits, [&](store::Transaction& tx) {
        return RecordStarted(tx, unit_id, t.name, first_step, attempt, actor);
      });
      if (started.code() == StatusCode::kFailedPrecondition && !just_read) {
        log::Warn("pipeline.unit.moved", {{"unit", unit_id}, {"reason", started.message()}});
        moved = true;
        break;
      }
      if (!started.ok()) {
        result = started;
        break;
      }
      just_read = false;
      log::Info("pipeline.step.started",
                {{"unit", unit_id}, {"step", t.name}, {"attempt", attempt}});
      ctx.detail = nlohmann::json::object();
      began = Clock::now();
      result = co_await t.run(ctx);
      if (result.ok() || channel->cancelled() || !IsTransient(result)) break;
      // The connection went away under the step: try again on the next session.
      if (result.code() != StatusCode::kDeadlineExceeded) min_generation = generation + 1;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
      log::Warn("pipeline.step.retry", {{"unit", unit_id},
                                        {"step", t.name},
                                        {"attempt", attempt},
                                        {"ms", static_cast<std::int64_t>(ms.count())},
                                        {"reason", result.message()}});
      env.progress->StepFailed(t.name, true);
      const bool last = attempt >= ctx.limits.attempts;
      if (!last) {
        const std::string& reason = result.message();
        (void)co_await CommitAsync(*services.commits, [&](store::Transaction& tx) {
          return RecordFailed(tx, unit_id, t.name, reason, false, actor);
        });
      }
    }
    if (channel->cancelled()) break;  // stopping: the unit resumes at this step later
    if (moved) {
      records->unit = {};
      Status read =
          store::InTransaction(*services.store, store::TxMode::kRead, [&](store::Transaction& tx) {
            EVPROV_ASSIGN_OR_RETURN(records->unit, units::GetUnit(tx, unit_id));
            return Status::Ok();
          });
      if (!read.ok()) records = read;
      just_read = true;
      continue;
    }
    if (parked) {
      log::Info("pipeline.unit.parked", {{"unit", unit_id}, {"step", t.name}});
      break;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
    if (!result.ok()) {
      log::Warn("pipeline.step.failed", {{"unit", unit_id},
                                         {"step", t.name},
                                         {"ms", static_cast<std::int64_t>(ms.count())},
                                         {"reason", result.message()}});
      env.progress->StepFailed(t.name, false);
      co_await FailUnit(env, unit, t.name, result.message());
      break;
    }
    ctx.detail["ms"] = ms.count();
    std::optional<std::string_view> next;
    if (t.next) next = TransitionOf(*t.next).name;
    units::Unit after;
    Status done = co_await CommitAsync(*services.commits, [&](store::Transaction& tx) {
      EVPROV_TRY(RecordDone(tx, unit_id, t.name, next, ctx.detail, actor));
      if (!next) return Status::Ok();
      EVPROV_ASSIGN_OR_RETURN(after, units::GetUnit(tx, unit_id));
      return Status::Ok();
    });
    if (!done.ok()) {
      log::Error("pipeline.journal.failed", {{"unit", unit_id}, {"reason", done.message()}});
      break;
    }
    log::Info("pipeline.step.done",
              {{"unit", unit_id}, {"step", t.name}, {"ms", static_cast<std::int64_t>(ms.count())}});
    env.progress->StepDone(t.name, ms);
    if (!next) {
      log::Info("pipeline.unit.ready", {{"unit", unit_id}});
      co_await Seal(ctx);
      Finish(env, unit, "ready", t.name, "");
      break;
    }
    records->unit = std::move(after);
  }
  channel->running = false;
}

}  // namespace evprov::pipeline
