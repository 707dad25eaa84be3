//! An empty eframe window, the baseline for ewarong's idle memory and CPU in
//! docs/performance.md: `cargo run --release --example empty_window -- glow|wgpu`.

fn main() -> eframe::Result {
    let renderer = match std::env::args().nth(1).as_deref() {
        Some("wgpu") => eframe::Renderer::Wgpu,
        _ => eframe::Renderer::Glow,
    };
    let options = eframe::NativeOptions {
        renderer,
        viewport: egui::ViewportBuilder::default().with_inner_size([1366.0, 768.0]),
        ..Default::default()
    };
    eframe::run_native("empty", options, Box::new(|_| Ok(Box::new(Empty))))
}

struct Empty;

impl eframe::App for Empty {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |_| {});
    }
}
