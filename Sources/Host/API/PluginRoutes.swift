import Foundation
import Hummingbird

/// `/api/plugins` (raw JSON: what is loaded, in dispatch order, with each plugin's last
/// result) and `/api/reload-configuration` (re-reads the plugin settings, the Lua scripts and
/// the hook directories, as SIGHUP does; upstream's envelope).
struct PluginRoutes: APIRouteCollection {
    let plugins: PluginHost

    func register(on api: APIRoutes) {
        api.read("plugins", APIOperation("plugins", .plugins, "Loaded plugins in dispatch order, with each one's last result",
                                         ok: .json("Plugin status", .anyObject))) { _, _ in
            JSONBody(plugins.status())
        }
        api.write("reload-configuration",
                  APIOperation("reloadConfiguration", .plugins, "Re-read the plugin settings, Lua scripts and hook directories (as SIGHUP)",
                               ok: .json("Reloaded", .ref(.envelope)))) { _, _ in
            let status = await plugins.reload()
            let summary = "\(status.plugins.count) plugin(s) loaded" + (status.warnings.isEmpty ? "" : ", \(status.warnings.count) warning(s)")
            return Envelope(code: .ok, message: "Config reloaded: \(summary)", details: status)
        }
    }
}
