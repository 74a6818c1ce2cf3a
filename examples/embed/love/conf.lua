-- LÖVE 11 configuration of the Braitenberg example.
function love.conf(t)
  t.identity = "annlua-braitenberg"
  t.version = "11.0"
  t.window.title = "annlua: a Braitenberg vehicle driven by a spiking network"
  t.window.width = 960
  t.window.height = 540
  t.modules.audio, t.modules.sound, t.modules.joystick, t.modules.physics = false, false, false, false
end
