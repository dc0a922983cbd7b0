import Foundation
import Testing
@testable import EdgeSim

/// The built-in catalog loads, carries provenance for every number, and rejects bad files with
/// file, line and key.
@Suite struct DeviceCatalogTests {
    @Test func builtInCatalogLoads() throws {
        let catalog = try DeviceCatalog.load()
        #expect(catalog.devices.count >= 30)
        for id in ["jetson-agx-orin", "jetson-orin-nx-16gb", "jetson-orin-nano-super", "coral-usb", "coral-devboard", "coral-m2",
                   "ncs2", "iphone-14-pro", "iphone-15-pro", "mac-m1", "galaxy-s24", "galaxy-s25", "rb3-gen2", "rpi5", "rpi4",
                   "rpi5-hailo8l", "rpi5-hailo8", "hailo8-m2", "stm32l4r5", "stm32h7a3", "nrf5340", "esp32-s3", "alif-e3"] {
            #expect(catalog.device(id) != nil, "missing \(id)")
        }
    }
}
