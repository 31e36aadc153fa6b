package import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the plugins on every SIGHUP, as operators expect of a daemon.
package struct PluginReloadOnSignal: Service {
    let plugins: PluginHost
    let logger: Logger

    package init(plugins: PluginHost, logger: Logger) {
        self.plugins = plugins
        self.logger = logger
    }

    package func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.notice("SIGHUP: reloading plugins")
                await plugins.reload()
            }
        }
    }
}
