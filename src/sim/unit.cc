#include "evprov/sim/unit.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <future>
#include <mutex>

#include "evprov/common/log.h"
#include "ocpp/runtime_impl.h"
#include "sim/asio_scheduler.h"
#include "sim/net_link.h"

namespace evprov::sim {
namespace {

constexpr auto kStopWait = std::chrono::seconds(10);

std::chrono::milliseconds Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

// The fields whose change is reported to on_progress.
bool SameProgress(const UnitSnapshot& a, const UnitSnapshot& b) {
  return a.running == b.running && a.connected == b.connected && a.registration == b.registration &&
         a.slot == b.slot && a.boot_count == b.boot_count && a.provisioned == b.provisioned &&
         a.last_error == b.last_error && a.step_times.size() == b.step_times.size();
}

}  // namespace

class Unit::Impl : public std::enable_shared_from_this<Unit::Impl> {
 public:
  Impl(ChargerConfig config, std::shared_ptr<ocpp::Runtime> runtime, UnitOptions options)
      : config_(std::move(config)),
        runtime_(std::move(runtime)),
        options_(std::move(options)),
        strand_(boost::asio::make_strand(runtime_->impl().ioc())),
        scheduler_(strand_) {
    snapshot_.hardware_id = config_.hardware_id;
  }

  // On the strand from here on.
  void Init() {
    std::weak_ptr<Impl> weak = weak_from_this();
    NetLinkHost host;
    host.charger = [this] { return charger_.get(); };
    host.connected = [this](int slot) {
      ++connections_;
      if (charger_) charger_->OnConnected(slot);
    };
    host.connect_failed = [this] {
      if (charger_) charger_->OnConnectFailed();
    };
    host.lost = [this](const Status& why) { OnLost(why); };
    host.call = [this](const std::string& action, const nlohmann::json& payload,
                       const ocpp::Reply& reply) { OnCall(action, payload, reply); };
    host.after_event = [this] { Refresh(); };
    link_ =
        std::make_shared<NetLink>(strand_,
                                  NetLinkOptions{.runtime = runtime_,
                                                 .connect_timeout = options_.connect_timeout,
                                                 .validate_messages = options_.validate_messages},
                                  std::move(host));
  }

  Status Start() {
    EVPROV_TRY(ValidateConfig(config_));
    {
      std::lock_guard lock(mu_);
      if (started_) return Status::FailedPrecondition("unit " + config_.hardware_id + ": started");
      started_ = true;
      snapshot_.running = true;
    }
    start_time_ = std::chrono::steady_clock::now();
    Post([](Impl& self) {
      self.Init();
      self.OpenCharger(BootReason::kPowerUp);
    });
    return Status::Ok();
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (!started_ || stopped_) return;
      stopped_ = true;
    }
    auto done = std::make_shared<std::promise<std::vector<std::unique_ptr<ocpp::Client>>>>();
    auto future = done->get_future();
    boost::asio::post(strand_, [self = shared_from_this(), done] {
      self->charger_.reset();
      self->scheduler_.CancelAll();
      std::vector<std::unique_ptr<ocpp::Client>> clients;
      if (self->link_) {
        self->link_->Shutdown();
        clients = self->link_->TakeClients();
      }
      {
        std::lock_guard lock(self->mu_);
        self->snapshot_.running = false;
        self->snapshot_.connected = false;
      }
      done->set_value(std::move(clients));
    });
    if (future.wait_for(kStopWait) != std::future_status::ready) {
      log::Error("sim.unit.stop_timeout", {{"hardware_id", config_.hardware_id}});
      return;
    }
    future.get().clear();  // closes what is still open, off the strand (bounded)
  }

  UnitSnapshot snapshot() const {
    std::lock_guard lock(mu_);
    return snapshot_;
  }

  bool WaitFor(const std::function<bool(const UnitSnapshot&)>& pred,
               std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return pred(snapshot_); });
  }

  void Inspect(const std::function<void(const Charger*)>& fn) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    boost::asio::post(strand_, [self = shared_from_this(), fn, done] {
      fn(self->charger_.get());
      done->set_value();
    });
    future.wait_for(kStopWait);
  }

 private:
  template <typename Fn>
  void Post(Fn fn) {
    boost::asio::post(strand_, [weak = weak_from_this(), f = std::move(fn)]() mutable {
      auto self = weak.lock();
      if (!self || self->IsStopped()) return;
      f(*self);
      self->Refresh();
    });
  }

  bool IsStopped() const {
    std::lock_guard lock(mu_);
    return stopped_;
  }

  // Wraps a timer callback so the snapshot is refreshed after it.
  void OpenCharger(BootReason reason) {
    auto charger = Charger::Open(config_, *link_, refreshing_scheduler_);
    if (!charger.ok()) {
      log::Error("sim.unit.open_failed",
                 {{"hardware_id", config_.hardware_id}, {"error", charger.status().message()}});
      std::lock_guard lock(mu_);
      snapshot_.running = false;
      snapshot_.last_error = charger.status().message();
      return;
    }
    charger_ = std::move(*charger);
    charger_->PowerOn(reason);
  }

  void OnLost(const Status& why) {
    if (!charger_) return;
    charger_->OnDisconnected();
    if (reconnect_timer_) scheduler_.Cancel(*reconnect_timer_);
    reconnect_timer_ = refreshing_scheduler_.After(options_.reconnect_delay, [this] {
      reconnect_timer_.reset();
      if (charger_ && !charger_->connected()) link_->Open(charger_->Plan());
    });
    (void)why;
  }

  void OnCall(const std::string& action, const nlohmann::json& payload, const ocpp::Reply& reply) {
    if (!charger_) return;
    Reply r = charger_->Handle(action, payload);
    switch (r.after) {
      case AfterReply::kSend:
        if (r.delay > std::chrono::milliseconds::zero()) {
          scheduler_.After(r.delay,
                           [reply, answer = std::move(r.answer)] { SendAnswer(reply, answer); });
        } else {
          SendAnswer(reply, r.answer);
        }
        return;
      case AfterReply::kDropConnection:
        log::Warn("sim.unit.drop", {{"hardware_id", config_.hardware_id}, {"action", action}});
        link_->Drop();  // host.lost follows: reconnect, no reboot
        return;
      case AfterReply::kCrash:
        Crash(action);
        return;
    }
  }

  static void SendAnswer(const ocpp::Reply& reply, const Answer& answer) {
    if (const auto* payload = std::get_if<nlohmann::json>(&answer)) {
      reply.Ok(*payload);
    } else {
      reply.Error(std::get<ocpp::RpcError>(answer));
    }
  }

  void Crash(const std::string& action) {
    log::Warn("sim.unit.crash", {{"hardware_id", config_.hardware_id}, {"action", action}});
    charger_.reset();
    ++crashes_;
    link_->ForgetCalls();
    link_->Close(CloseReason::kFaultDrop);
    if (reconnect_timer_) scheduler_.Cancel(*reconnect_timer_);
    reconnect_timer_.reset();
    refreshing_scheduler_.After(config_.boot_delay, [this] { OpenCharger(BootReason::kWatchdog); });
  }

  // Called on the strand after every event: copies the charger's state.
  void Refresh() {
    UnitSnapshot s;
    {
      std::lock_guard lock(mu_);
      s = snapshot_;
    }
    s.crashes = crashes_;
    s.connections = connections_;
    if (link_ && !link_->last_error().ok()) s.last_error = link_->last_error().message();
    if (charger_) {
      const Charger& c = *charger_;
      s.connected = c.connected();
      s.registration = c.registration();
      s.factory_mode = c.factory_mode();
      s.serial = c.serial();
      s.boot_count = c.boot_count();
      s.security_profile = c.security_profile();
      s.slot = c.connected() ? c.active_slot() : 0;
      if (c.connected()) s.identity = c.Identity(c.active_slot());
      auto slot = c.network_slots().find(s.slot);
      bool factory_slot = slot == c.network_slots().end() || slot->second.factory;
      s.provisioned = s.connected && !s.factory_mode && !factory_slot &&
                      s.registration == Registration::kAccepted;
      auto mark = [&](const char* step, bool reached) {
        if (reached && !s.step_times.contains(step)) s.step_times[step] = Since(start_time_);
      };
      mark(kStepConnected, s.connected);
      mark(kStepBootAccepted, s.registration == Registration::kAccepted);
      mark(kStepCertificate, c.station_certificate_chain().has_value());
      mark(kStepProvisioned, s.provisioned);
    } else {
      s.connected = false;
      s.slot = 0;
      s.provisioned = false;
    }
    bool changed = false;
    {
      std::lock_guard lock(mu_);
      changed = !SameProgress(snapshot_, s);
    }
    // Measuring the charger walks all its state: done when the progress
    // changes and on every kMeasureEvery-th refresh, not after every message.
    if (charger_ && (changed || ++refreshes_since_measure_ >= kMeasureEvery)) {
      s.approximate_bytes = charger_->ApproximateBytes();
      refreshes_since_measure_ = 0;
    }
    {
      std::lock_guard lock(mu_);
      snapshot_ = s;
    }
    changed_.notify_all();
    if (changed && options_.on_progress) options_.on_progress(s);
  }

  // Timers of the charger and of the unit go through here so the snapshot
  // is refreshed after each.
  class RefreshingScheduler final : public Scheduler {
   public:
    explicit RefreshingScheduler(Impl& unit) : unit_(unit) {}
    Clock::time_point Now() const override { return unit_.scheduler_.Now(); }
    TimerId After(Clock::duration delay, std::function<void()> fn) override {
      return unit_.scheduler_.After(delay, [this, f = std::move(fn)] {
        f();
        unit_.Refresh();
      });
    }
    void Cancel(TimerId id) override { unit_.scheduler_.Cancel(id); }

   private:
    Impl& unit_;
  };

  static constexpr int kMeasureEvery = 32;

  ChargerConfig config_;
  std::shared_ptr<ocpp::Runtime> runtime_;
  UnitOptions options_;
  int refreshes_since_measure_ = 0;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  AsioScheduler scheduler_;
  RefreshingScheduler refreshing_scheduler_{*this};
  std::shared_ptr<NetLink> link_;
  std::unique_ptr<Charger> charger_;
  std::optional<TimerId> reconnect_timer_;
  int crashes_ = 0;
  int connections_ = 0;
  std::chrono::steady_clock::time_point start_time_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  bool started_ = false;
  bool stopped_ = false;
  UnitSnapshot snapshot_;
};

Unit::Unit(ChargerConfig config, std::shared_ptr<ocpp::Runtime> runtime, UnitOptions options)
    : impl_(std::make_shared<Impl>(std::move(config), std::move(runtime), std::move(options))) {}

Unit::~Unit() {
  impl_->Stop();
}

Status Unit::Start() {
  return impl_->Start();
}
void Unit::Stop() {
  impl_->Stop();
}
UnitSnapshot Unit::snapshot() const {
  return impl_->snapshot();
}
bool Unit::WaitFor(const std::function<bool(const UnitSnapshot&)>& pred,
                   std::chrono::milliseconds timeout) const {
  return impl_->WaitFor(pred, timeout);
}
void Unit::Inspect(const std::function<void(const Charger*)>& fn) const {
  impl_->Inspect(fn);
}

}  // namespace evprov::sim
