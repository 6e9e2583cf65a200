#include "pipeline/commit.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace evprov::pipeline {

asio::awaitable<Status> CommitAsync(store::GroupCommit& commits, store::GroupCommit::Work work) {
  auto initiate = [&commits, &work](auto handler) {
    using Handler = decltype(handler);
    // std::function needs a copyable callback; the handler is move-only.
    auto shared = std::make_shared<Handler>(std::move(handler));
    auto executor = asio::get_associated_executor(*shared);
    commits.Submit(std::move(work), [shared, executor](Status s) {
      asio::post(executor, [shared, s = std::move(s)]() mutable { (*shared)(std::move(s)); });
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Status)>(
      initiate, asio::use_awaitable);
}

}  // namespace evprov::pipeline
