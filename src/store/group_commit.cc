#include "evprov/store/group_commit.h"

#include <chrono>
#include <future>

namespace evprov::store {

GroupCommit::GroupCommit(Store& store, GroupCommitOptions options)
    : store_(store), options_(options), thread_([this] { Loop(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void GroupCommit::Submit(Work work, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(work), std::move(done), Status::Ok()});
  }
  wake_.notify_one();
}

Status GroupCommit::Run(Work work) {
  std::promise<Status> promise;
  auto result = promise.get_future();
  Submit(std::move(work), [&promise](Status s) { promise.set_value(std::move(s)); });
  return result.get();
}

std::size_t GroupCommit::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

std::size_t GroupCommit::pieces() const {
  std::lock_guard lock(mu_);
  return pieces_;
}

void GroupCommit::Loop() {
  for (;;) {
    std::vector<Piece> batch;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status committed = CommitBatch(batch);
    {
      std::lock_guard lock(mu_);
      ++commits_;
      pieces_ += batch.size();
    }
    for (auto& piece : batch) {
      piece.done(committed.ok() ? std::move(piece.result) : committed);
    }
  }
}

// One transaction; each piece in a savepoint, so a failing piece is undone
// alone. Busy (kAborted) at begin or commit runs the batch again.
Status GroupCommit::CommitBatch(std::vector<Piece>& batch) {
  Status last;
  for (int attempt = 0; attempt < options_.attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    auto tx = store_.Begin(TxMode::kWrite);
    if (!tx.ok()) {
      last = tx.status();
      if (last.code() == StatusCode::kAborted) continue;
      return last;
    }
    Transaction& t = **tx;
    last = Status::Ok();
    for (auto& piece : batch) {
      if (last = t.Exec("SAVEPOINT piece").status(); !last.ok()) break;
      piece.result = piece.work(t);
      if (!piece.result.ok()) {
        if (last = t.Exec("ROLLBACK TO SAVEPOINT piece").status(); !last.ok()) break;
      }
      if (last = t.Exec("RELEASE SAVEPOINT piece").status(); !last.ok()) break;
    }
    if (last.ok()) last = t.Commit();
    if (last.code() != StatusCode::kAborted) return last;
  }
  return last;
}

}  // namespace evprov::store
