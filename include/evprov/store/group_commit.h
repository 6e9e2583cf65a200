// GroupCommit: many small write transactions from many callers, committed
// together, so that one durable commit (one fsync) serves a whole batch.
//
// A station provisioning hundreds of chargers at once journals every step;
// with a commit per step, the disk's flush rate (about 150/s here) would be
// the station's limit. Work submitted here runs on one committer thread
// inside a shared write transaction, each piece in its own SAVEPOINT: a
// piece that fails is rolled back alone and its caller gets its error; the
// others commit together. A caller's `done` runs only after the commit that
// made its work durable (or with the reason it did not).
//
// Work may run more than once: when the commit itself fails with kAborted
// (the database was busy), the whole batch is run again in a new
// transaction. So work must only touch the transaction and its own outputs
// (which then hold the values of the run that committed).
//
// Ownership: borrows the Store (it must outlive the GroupCommit) and owns the
// committer thread; the destructor runs what is queued, then joins.
// Thread-safety: Submit and Run may be called from any thread; `done` runs on
// the committer thread (keep it short: post elsewhere).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::store {

struct GroupCommitOptions {
  std::size_t max_batch = 128;  // pieces of work per transaction
  int attempts = 5;             // a batch whose commit is kAborted is run again
};

class GroupCommit {
 public:
  using Work = std::function<Status(Transaction&)>;
  using Done = std::function<void(Status)>;

  explicit GroupCommit(Store& store, GroupCommitOptions options = {});
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  void Submit(Work work, Done done);
  // Submits and waits (do not call from a `done` callback).
  Status Run(Work work);

  // Counters: how many commits carried how much work (benchmarks, logs).
  std::size_t commits() const;
  std::size_t pieces() const;

 private:
  struct Piece {
    Work work;
    Done done;
    Status result;
  };
  void Loop();
  Status CommitBatch(std::vector<Piece>& batch);

  Store& store_;
  GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Piece> queue_;
  bool stopping_ = false;
  std::size_t commits_ = 0;
  std::size_t pieces_ = 0;
  std::thread thread_;
};

}  // namespace evprov::store
